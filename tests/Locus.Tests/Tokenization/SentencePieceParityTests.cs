using System.Text.Json;
using Locus.Models.Tokenization;
using Xunit.Abstractions;

namespace Locus.Tests.Tokenization;

/// <summary>
/// Parity with sentencepiece 0.1.97 (raw <c>sp.encode</c>: ids, pieces, offsets into the original text, decode) and
/// with transformers' slow <c>DebertaV2Tokenizer</c> (ids, tokens, token types, masks) on the real DeBERTa-v3 spm.model.
/// </summary>
public sealed class SentencePieceParityTests(ITestOutputHelper output)
{
    private static readonly Lazy<HuggingFaceTokenizer> s_deberta = new(() => TokenizerFactory.FromFolder(TokenizerFixtures.DebertaFolder));

    // Raw sentencepiece does not know about special tokens: the same model with special tokens split as text.
    private static readonly Lazy<HuggingFaceTokenizer> s_raw = new(() => SentencePieceTokenizerLoader.Load(
        Path.Combine(TokenizerFixtures.DebertaFolder, "spm.model"),
        HfTokenizerConfig.Load(TokenizerFixtures.DebertaFolder) with { SplitSpecialTokens = true }));

    private static readonly Lazy<JsonDocument> s_vectors = new(() => TokenizerFixtures.Read("tokenizers/sentencepiece_deberta_v3.vectors.json"));

    [Fact]
    public void RawSentencePiece_AllCases_Parity()
    {
        var report = new ParityReport();
        foreach (var c in s_vectors.Value.RootElement.GetProperty("cases").EnumerateArray())
        {
            var name = c.GetProperty("name").GetString()!;
            report.StartCase();
            CompareRaw(report, name, c.GetProperty("text").GetString()!, c.GetProperty("spm"));
            if (c.TryGetProperty("spm_pair", out var pairVectors))
            {
                CompareRaw(report, name + "[pair]", c.GetProperty("text_pair").GetString()!, pairVectors);
            }
        }

        report.AssertAllMatch(output, "SentencePiece raw spm");
    }

    [Fact]
    public void DebertaV2Tokenizer_AllCases_Parity()
    {
        var tokenizer = s_deberta.Value;
        var report = new ParityReport();
        foreach (var c in s_vectors.Value.RootElement.GetProperty("cases").EnumerateArray())
        {
            var name = c.GetProperty("name").GetString()!;
            report.StartCase();
            var pair = c.TryGetProperty("text_pair", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            var expected = c.GetProperty("hf_slow");
            var encoding = tokenizer.Encode(c.GetProperty("text").GetString()!, pair);
            report.Compare(name, "input_ids", TokenizerFixtures.Ints(expected.GetProperty("input_ids")), encoding.Ids);
            report.Compare(name, "tokens", TokenizerFixtures.Strings(expected.GetProperty("tokens")), encoding.Tokens);
            report.Compare(name, "token_type_ids", TokenizerFixtures.Ints(expected.GetProperty("token_type_ids")), encoding.TypeIds);
            report.Compare(name, "attention_mask", TokenizerFixtures.Ints(expected.GetProperty("attention_mask")), encoding.AttentionMask);
            var firstOnly = tokenizer.Encode(c.GetProperty("text").GetString()!, options: new EncodeOptions { AddSpecialTokens = false });
            report.Compare(name, "tokenize", TokenizerFixtures.Strings(expected.GetProperty("tokenize")), firstOnly.Tokens);
        }

        report.AssertAllMatch(output, "DebertaV2Tokenizer (hf_slow)");
    }

    [Fact]
    public void DebertaFolderExposesMlmSettings()
    {
        var tokenizer = s_deberta.Value;
        Assert.Equal("SentencePiece Unigram (spm.model)", tokenizer.Kind);
        Assert.Equal(128001, tokenizer.VocabSize);
        Assert.Equal(128000, tokenizer.MaskTokenId);
        Assert.Equal(0, tokenizer.PadTokenId);
        Assert.Equal(3, tokenizer.UnkTokenId);
        Assert.Equal([0, 1, 2, 3, 128000], tokenizer.SpecialTokenIds.Order());
        Assert.Null(tokenizer.ModelMaxLength);
        Assert.Equal("[MASK]", tokenizer.IdToToken(128000));
        Assert.Equal("<0xC2>", tokenizer.IdToToken(198));
    }

    private static void CompareRaw(ParityReport report, string name, string text, JsonElement expected)
    {
        var tokenizer = s_raw.Value;
        var encoding = tokenizer.Encode(text, options: new EncodeOptions { AddSpecialTokens = false });
        report.Compare(name, "ids", TokenizerFixtures.Ints(expected.GetProperty("ids")), encoding.Ids);
        report.Compare(name, "pieces", TokenizerFixtures.Strings(expected.GetProperty("pieces")), encoding.Tokens);
        report.Compare(name, "offsets_utf16", TokenizerFixtures.Spans(expected.GetProperty("offsets_utf16")),
            encoding.Offsets.Select(o => (o.Start, o.End)));
        report.Compare(name, "surfaces", TokenizerFixtures.Strings(expected.GetProperty("surfaces")),
            encoding.Offsets.Select(o => text[o.Start..o.End]));
        report.CompareValue(name, "decoded", expected.GetProperty("decoded").GetString(), tokenizer.Decode(encoding.Ids));
    }
}
