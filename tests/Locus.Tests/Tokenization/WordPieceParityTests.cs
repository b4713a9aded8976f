using System.Text.Json;
using Locus.Models.Tokenization;
using Xunit.Abstractions;

namespace Locus.Tests.Tokenization;

/// <summary>
/// Parity with the Rust <c>tokenizers</c> reference for all-MiniLM-L6-v2 (42 strings + 4 pairs), loading the
/// tokenizer both from tokenizer.json and from vocab.txt + tokenizer_config.json.
/// </summary>
public sealed class WordPieceParityTests(ITestOutputHelper output)
{
    private static readonly Lazy<HuggingFaceTokenizer> s_fromJson = new(() => TokenizerFactory.FromFolder(TokenizerFixtures.MiniLmFolder));

    private static readonly Lazy<HuggingFaceTokenizer> s_fromVocab = new(() => TokenizerFactory.WordPieceFromVocab(
        Path.Combine(TokenizerFixtures.MiniLmFolder, "vocab.txt"), HfTokenizerConfig.Load(TokenizerFixtures.MiniLmFolder)));

    [Fact]
    public void TokenizerJson_AllCases_Parity() => CheckAllCases(s_fromJson.Value, "WordPiece tokenizer.json");

    [Fact]
    public void VocabTxt_AllCases_Parity() => CheckAllCases(s_fromVocab.Value, "WordPiece vocab.txt");

    [Fact]
    public void FolderLoadsTokenizerJsonWithShippedSettings()
    {
        var tokenizer = s_fromJson.Value;
        Assert.Equal("WordPiece (tokenizer.json)", tokenizer.Kind);
        Assert.Equal(30522, tokenizer.VocabSize);
        Assert.Equal(103, tokenizer.MaskTokenId);
        Assert.Equal(0, tokenizer.PadTokenId);
        Assert.Equal(512, tokenizer.ModelMaxLength);
        Assert.Equal(new EncodeOptions { MaxLength = 128, Truncation = TruncationStrategy.LongestFirst, Padding = PaddingStrategy.MaxLength },
            tokenizer.ShippedOptions);
    }

    [Fact]
    public void AsShippedPaddingAndTruncation_Parity()
    {
        using var vectors = TokenizerFixtures.Read("tokenizers/wordpiece_minilm.vectors.json");
        var tokenizer = s_fromJson.Value;
        var report = new ParityReport();
        foreach (var c in vectors.RootElement.GetProperty("as_shipped_padding_truncation").EnumerateArray())
        {
            report.StartCase();
            var name = c.GetProperty("name").GetString()!;
            var encoding = tokenizer.Encode(c.GetProperty("text").GetString()!, options: tokenizer.ShippedOptions);
            report.Compare(name, "ids", TokenizerFixtures.Ints(c.GetProperty("ids")), encoding.Ids);
            report.Compare(name, "type_ids", TokenizerFixtures.Ints(c.GetProperty("type_ids")), encoding.TypeIds);
            report.Compare(name, "attention_mask", TokenizerFixtures.Ints(c.GetProperty("attention_mask")), encoding.AttentionMask);
            // The overflow is kept, never dropped: each window is wrapped and padded like the main encoding.
            report.CompareValue(name, "has_overflow", c.GetProperty("n_overflowing").GetInt32() > 0, encoding.Overflowing.Count > 0);
            foreach (var window in encoding.Overflowing)
            {
                report.CompareValue(name, "overflow_length", 128, window.Length);
                report.CompareValue(name, "overflow_starts_with_cls", 101, window.Ids[0]);
            }
        }

        report.AssertAllMatch(output, "WordPiece as_shipped padding/truncation");
    }

    private void CheckAllCases(HuggingFaceTokenizer tokenizer, string suite)
    {
        using var vectors = TokenizerFixtures.Read("tokenizers/wordpiece_minilm.vectors.json");
        var report = new ParityReport();
        foreach (var c in vectors.RootElement.GetProperty("cases").EnumerateArray())
        {
            report.StartCase();
            var name = c.GetProperty("name").GetString()!;
            var pair = c.TryGetProperty("text_pair", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            var encoding = tokenizer.Encode(c.GetProperty("text").GetString()!, pair);
            report.Compare(name, "ids", TokenizerFixtures.Ints(c.GetProperty("ids")), encoding.Ids);
            report.Compare(name, "tokens", TokenizerFixtures.Strings(c.GetProperty("tokens")), encoding.Tokens);
            report.Compare(name, "type_ids", TokenizerFixtures.Ints(c.GetProperty("type_ids")), encoding.TypeIds);
            report.Compare(name, "attention_mask", TokenizerFixtures.Ints(c.GetProperty("attention_mask")), encoding.AttentionMask);
            report.Compare(name, "special_tokens_mask", TokenizerFixtures.Ints(c.GetProperty("special_tokens_mask")), encoding.SpecialTokensMask);
            report.Compare(name, "word_ids", TokenizerFixtures.NullableInts(c.GetProperty("word_ids")), encoding.WordIds);
            report.Compare(name, "sequence_ids", TokenizerFixtures.NullableInts(c.GetProperty("sequence_ids")), encoding.SequenceIds);
            report.Compare(name, "offsets_utf16", TokenizerFixtures.Spans(c.GetProperty("offsets_utf16")),
                encoding.Offsets.Select(o => (o.Start, o.End)));
            var withoutSpecial = tokenizer.Encode(c.GetProperty("text").GetString()!, pair, new EncodeOptions { AddSpecialTokens = false });
            report.Compare(name, "ids_without_special_tokens", TokenizerFixtures.Ints(c.GetProperty("ids_without_special_tokens")), withoutSpecial.Ids);
            report.CompareValue(name, "decoded", c.GetProperty("decoded").GetString(), tokenizer.Decode(encoding.Ids));
        }

        report.AssertAllMatch(output, suite);
    }
}
