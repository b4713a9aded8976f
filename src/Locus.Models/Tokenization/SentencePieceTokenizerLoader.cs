namespace Locus.Models.Tokenization;

/// <summary>
/// Builds the DeBERTa-v2/v3 tokenizer (transformers' slow <c>DebertaV2Tokenizer</c>) from <c>spm.model</c> and the
/// folder's configuration: <c>[CLS] A [SEP] (B [SEP])</c>, special tokens recognised when typed in the text, and
/// added tokens such as <c>[MASK]</c> = 128000 on top of the SentencePiece vocabulary.
/// </summary>
public static class SentencePieceTokenizerLoader
{
    /// <summary>Loads <paramref name="path"/> (an spm.model) with the settings in <paramref name="config"/>.</summary>
    public static HuggingFaceTokenizer Load(string path, HfTokenizerConfig? config = null)
    {
        if (!File.Exists(path))
        {
            throw new LocusException($"{path}: file not found.");
        }

        config ??= new HfTokenizerConfig();
        if (config.DoLowerCase == true)
        {
            throw new LocusException($"{path}: do_lower_case=true is not supported for SentencePiece tokenizers.");
        }

        var proto = SentencePieceModelProto.Parse(File.ReadAllBytes(path), path);
        var model = new SentencePieceUnigramModel(proto, path);
        var specials = config.SpecialTokens with
        {
            Cls = config.SpecialTokens.Cls ?? "[CLS]",
            Sep = config.SpecialTokens.Sep ?? "[SEP]",
            Pad = config.SpecialTokens.Pad ?? "[PAD]",
            Unk = config.SpecialTokens.Unk ?? "[UNK]",
            Mask = config.SpecialTokens.Mask ?? "[MASK]",
        };

        // The slow tokenizer never splits its special tokens; [MASK] is not an spm piece and must come from the config.
        var added = config.AddedTokens.ToList();
        foreach (var special in specials.All())
        {
            if (added.All(a => a.Content != special) && model.TokenToId(special) is { } id)
            {
                added.Add(new AddedToken(special, id, Special: true));
            }
        }

        var known = added.Select(a => a.Content).ToHashSet(StringComparer.Ordinal);
        specials = new SpecialTokens
        {
            Cls = known.Contains(specials.Cls) ? specials.Cls : null,
            Sep = known.Contains(specials.Sep) ? specials.Sep : null,
            Pad = known.Contains(specials.Pad) ? specials.Pad : null,
            Unk = known.Contains(specials.Unk) ? specials.Unk : null,
            Mask = known.Contains(specials.Mask) ? specials.Mask : null,
        };
        return new HuggingFaceTokenizer("SentencePiece Unigram (spm.model)", model, added, specials, config.ModelMaxLength,
            config.SplitSpecialTokens);
    }
}
