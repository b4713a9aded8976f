namespace Locus.Models.Tokenization;

/// <summary>
/// Loads the tokenizer a Hugging Face model folder holds, driven by its configuration files:
/// <c>tokenizer.json</c> with a WordPiece model, else <c>vocab.txt</c> (BERT, settings from tokenizer_config.json),
/// else <c>spm.model</c> (SentencePiece Unigram, DeBERTa-v2/v3).
/// </summary>
public static class TokenizerFactory
{
    private const string TokenizerJson = "tokenizer.json";
    private const string VocabTxt = "vocab.txt";
    private const string SpmModel = "spm.model";

    /// <summary>Loads the tokenizer of the model in <paramref name="folder"/>.</summary>
    /// <exception cref="LocusException">The folder has no tokenizer this project can read, or a file is malformed.</exception>
    public static HuggingFaceTokenizer FromFolder(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        folder = Builtin.BuiltinModels.ResolveFolder(folder);
        if (!Directory.Exists(folder))
        {
            throw new LocusException($"Tokenizer folder '{folder}' does not exist.");
        }

        var config = HfTokenizerConfig.Load(folder);
        var json = Path.Combine(folder, TokenizerJson);
        var jsonModel = File.Exists(json) ? TokenizerJsonWordPiece.ModelType(json) : null;
        if (jsonModel == "WordPiece")
        {
            return WordPieceFromTokenizerJson(json, config);
        }

        if (File.Exists(Path.Combine(folder, VocabTxt)))
        {
            return WordPieceFromVocab(Path.Combine(folder, VocabTxt), config);
        }

        if (File.Exists(Path.Combine(folder, SpmModel)))
        {
            return SentencePieceTokenizerLoader.Load(Path.Combine(folder, SpmModel), config);
        }

        var found = jsonModel is null ? "" : $" (its tokenizer.json has a {jsonModel} model, which is only read together with spm.model)";
        throw new LocusException(
            $"No supported tokenizer in '{folder}'{found}: expected tokenizer.json with a WordPiece model, vocab.txt or spm.model.");
    }

    /// <summary>Loads a WordPiece tokenizer from a <c>tokenizer.json</c>; <paramref name="config"/> adds model_max_length.</summary>
    public static HuggingFaceTokenizer WordPieceFromTokenizerJson(string path, HfTokenizerConfig? config = null)
    {
        var loaded = TokenizerJsonWordPiece.Load(path);
        var specials = config?.SpecialTokens ?? new SpecialTokens();
        specials = specials with
        {
            Cls = specials.Cls ?? "[CLS]",
            Sep = specials.Sep ?? "[SEP]",
            Pad = specials.Pad ?? "[PAD]",
            Unk = specials.Unk ?? "[UNK]",
            Mask = specials.Mask ?? "[MASK]",
        };
        specials = KeepKnown(specials, t => loaded.Model.TokenToId(t) is not null || loaded.AddedTokens.Any(a => a.Content == t));
        return new HuggingFaceTokenizer(
            "WordPiece (tokenizer.json)", loaded.Model, loaded.AddedTokens, specials, config?.ModelMaxLength,
            config?.SplitSpecialTokens ?? false,
            loaded.Template, loaded.ShippedOptions);
    }

    /// <summary>Loads a WordPiece tokenizer from <c>vocab.txt</c> the way transformers' <c>BertTokenizer</c> does.</summary>
    public static HuggingFaceTokenizer WordPieceFromVocab(string path, HfTokenizerConfig? config = null)
    {
        config ??= new HfTokenizerConfig();
        var tokens = ReadVocabLines(path);
        var specials = config.SpecialTokens with
        {
            Cls = config.SpecialTokens.Cls ?? "[CLS]",
            Sep = config.SpecialTokens.Sep ?? "[SEP]",
            Pad = config.SpecialTokens.Pad ?? "[PAD]",
            Unk = config.SpecialTokens.Unk ?? "[UNK]",
            Mask = config.SpecialTokens.Mask ?? "[MASK]",
        };
        var vocabulary = new WordPieceVocabulary(tokens, "##");
        if (vocabulary.TokenToId(specials.Unk) is null && config.AddedTokens.All(a => a.Content != specials.Unk))
            throw new DataFormatException(path, 0, null, $"the vocabulary has no unknown token '{specials.Unk}' (set unk_token in tokenizer_config.json to one of its tokens)");
        specials = KeepKnown(specials, t => vocabulary.TokenToId(t) is not null || config.AddedTokens.Any(a => a.Content == t));
        var lowercase = config.DoLowerCase ?? true;
        var normalizer = new BertNormalizerOptions
        {
            Lowercase = lowercase,
            StripAccents = config.StripAccents,
            HandleChineseChars = config.TokenizeChineseChars ?? true,
        };
        var model = new WordPieceModel(vocabulary, normalizer, specials.Unk!, 100, config.CleanUpTokenizationSpaces ?? true);
        return new HuggingFaceTokenizer(
            "WordPiece (vocab.txt)", model, AddedTokensWithSpecials(config, specials, vocabulary.TokenToId), specials,
            config.ModelMaxLength, config.SplitSpecialTokens);
    }

    // The slow tokenizers never split their special tokens: each becomes an added token with its vocabulary id.
    private static List<AddedToken> AddedTokensWithSpecials(HfTokenizerConfig config, SpecialTokens specials, Func<string, int?> vocabId)
    {
        var added = config.AddedTokens.ToList();
        foreach (var special in specials.All())
        {
            if (added.All(a => a.Content != special) && vocabId(special) is { } id)
            {
                added.Add(new AddedToken(special, id, Special: true));
            }
        }

        return added;
    }

    private static SpecialTokens KeepKnown(SpecialTokens specials, Func<string, bool> known) => new()
    {
        Cls = specials.Cls is { } cls && known(cls) ? cls : null,
        Sep = specials.Sep is { } sep && known(sep) ? sep : null,
        Pad = specials.Pad is { } pad && known(pad) ? pad : null,
        Unk = specials.Unk is { } unk && known(unk) ? unk : null,
        Mask = specials.Mask is { } mask && known(mask) ? mask : null,
    };

    // transformers' load_vocab: one token per line, only the trailing "\n" removed.
    private static List<string> ReadVocabLines(string path)
    {
        if (!File.Exists(path))
        {
            throw new LocusException($"{path}: file not found.");
        }

        var lines = WordPieceVocabulary.SplitLines(File.ReadAllText(path));

        if (lines.Count == 0)
        {
            throw new DataFormatException(path, 0, null, "the vocabulary is empty");
        }

        return lines;
    }
}
