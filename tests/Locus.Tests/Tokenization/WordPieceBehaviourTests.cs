using Locus.Models.Tokenization;

namespace Locus.Tests.Tokenization;

/// <summary>WordPiece behaviour on a tiny generated vocabulary, with hand-computed expectations.</summary>
public sealed class WordPieceBehaviourTests : IDisposable
{
    private readonly TinyWordPieceFolder _folder = new();
    private readonly HuggingFaceTokenizer _tokenizer;

    public WordPieceBehaviourTests() => _tokenizer = TokenizerFactory.FromFolder(_folder.Path);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void SplitsIntoLongestPiecesWithOriginalOffsets()
    {
        // "Café" decomposed: the accent is stripped but the token still covers it; "UNAFFABLE" is lower-cased.
        const string text = "Cafe\u0301 UNAFFABLE!";
        var encoding = _tokenizer.Encode(text);
        Assert.Equal(["[CLS]", "cafe", "un", "##aff", "##able", "!", "[SEP]"], encoding.Tokens);
        Assert.Equal(
            [new(0, 0), new(0, 4), new(6, 8), new(8, 11), new(11, 15), new(15, 16), new(0, 0)],
            encoding.Offsets);
        Assert.Equal([null, 0, 1, 1, 1, 2, null], encoding.WordIds);
        Assert.Equal([1, 0, 0, 0, 0, 0, 1], encoding.SpecialTokensMask);
        Assert.Equal("cafe unaffable!", _tokenizer.Decode(encoding.Ids));
    }

    [Fact]
    public void UnknownPieceMakesTheWholeWordUnknown()
    {
        var encoding = _tokenizer.Encode("unq hello", options: new EncodeOptions { AddSpecialTokens = false });
        Assert.Equal(["[UNK]", "hello"], encoding.Tokens);
        Assert.Equal([new(0, 3), new(4, 9)], encoding.Offsets);
    }

    [Fact]
    public void LiteralSpecialTokensAreRecognisedUnlessSplit()
    {
        Assert.Equal(["[CLS]", "a", "[MASK]", "b", "[SEP]"], _tokenizer.Encode("a [MASK] b").Tokens);
        Assert.Equal([null, 0, 1, 2, null], _tokenizer.Encode("a [MASK] b").WordIds);

        using var splitting = new TinyWordPieceFolder("""{"do_lower_case": true, "split_special_tokens": true}""");
        var split = TokenizerFactory.FromFolder(splitting.Path).Encode("a [MASK] b", options: new EncodeOptions { AddSpecialTokens = false });
        Assert.Equal(["a", "[UNK]", "[UNK]", "[UNK]", "b"], split.Tokens);
    }

    [Fact]
    public void PairGetsSegmentIdsAndOffsetsRelativeToEachText()
    {
        var encoding = _tokenizer.Encode("hello", "a b");
        Assert.Equal([2, TinyWordPieceFolder.Id("hello"), 3, TinyWordPieceFolder.Id("a"), TinyWordPieceFolder.Id("b"), 3], encoding.Ids);
        Assert.Equal([0, 0, 0, 1, 1, 1], encoding.TypeIds);
        Assert.Equal([null, 0, null, 1, 1, null], encoding.SequenceIds);
        Assert.Equal([new(0, 0), new(0, 5), new(0, 0), new(0, 1), new(2, 3), new(0, 0)], encoding.Offsets);
    }

    [Fact]
    public void LongestFirstSharesTheLengthAndKeepsEveryCutTokenInOverflow()
    {
        // 6 + 3 tokens, max_length 8 leaves 5 for text: both must shrink, 2 + 3 by Rust's rule, then swapped so the
        // longer first text keeps 3 and the second keeps 2.
        var encoding = _tokenizer.Encode("a b c d e f", "x y z", EncodeOptions.Truncated(8));
        Assert.Equal(["[CLS]", "a", "b", "c", "[SEP]", "x", "y", "[SEP]"], encoding.Tokens);
        Assert.Equal(3, encoding.Overflowing.Count);
        Assert.Equal(["[CLS]", "d", "e", "f", "[SEP]", "x", "y", "[SEP]"], encoding.Overflowing[0].Tokens);
        Assert.Equal(["[CLS]", "d", "e", "f", "[SEP]", "z", "[SEP]"], encoding.Overflowing[1].Tokens);
        Assert.Equal(["[CLS]", "a", "b", "c", "[SEP]", "z", "[SEP]"], encoding.Overflowing[2].Tokens);
        Assert.Equal(new TokenOffset(6, 7), encoding.Overflowing[0].Offsets[1]);
    }

    [Fact]
    public void OnlySecondTruncatesTheSecondTextAndOnlyFirstRefusesWhenTooShort()
    {
        var options = new EncodeOptions { MaxLength = 7, Truncation = TruncationStrategy.OnlySecond };
        Assert.Equal(["[CLS]", "a", "b", "[SEP]", "x", "y", "[SEP]"], _tokenizer.Encode("a b", "x y z", options).Tokens);

        var onlyFirst = new EncodeOptions { MaxLength = 5, Truncation = TruncationStrategy.OnlyFirst };
        var error = Assert.Throws<LocusException>(() => _tokenizer.Encode("a", "x y z", onlyFirst));
        Assert.Contains("first text", error.Message);
        // Like HF, only_second on a single text is an error once truncation is needed.
        Assert.Equal(3, _tokenizer.Encode("a", options: options).Length);
        Assert.Throws<ArgumentException>(() => _tokenizer.Encode("a b c d e f g h", options: options));
    }

    [Fact]
    public void StrideRepeatsTokensBetweenOverflowWindows()
    {
        var options = new EncodeOptions { MaxLength = 6, Truncation = TruncationStrategy.LongestFirst, Stride = 2 };
        var encoding = _tokenizer.Encode("a b c d e f g h x y", options: options);
        Assert.Equal(["[CLS]", "a", "b", "c", "d", "[SEP]"], encoding.Tokens);
        Assert.Equal(
            [["c", "d", "e", "f"], ["e", "f", "g", "h"], ["g", "h", "x", "y"]],
            encoding.Overflowing.Select(o => o.Tokens[1..^1]).ToArray());
    }

    [Fact]
    public void BatchPadsToLongestOrToMaxLength()
    {
        var longest = _tokenizer.EncodeBatch(["a", "a b c"], new EncodeOptions { Padding = PaddingStrategy.Longest });
        Assert.All(longest, e => Assert.Equal(5, e.Length));
        Assert.Equal([2, 5, 3, 0, 0], longest[0].Ids);
        Assert.Equal([1, 1, 1, 0, 0], longest[0].AttentionMask);
        Assert.Equal([1, 0, 1, 1, 1], longest[0].SpecialTokensMask);
        Assert.Equal([null, 0, null, null, null], longest[0].WordIds);
        Assert.Equal("[PAD]", longest[0].Tokens[4]);
        Assert.Equal([1, 1, 1, 1, 1], longest[1].AttentionMask);

        var fixedLength = _tokenizer.EncodeBatch([("a", "b")], new EncodeOptions { MaxLength = 7, Padding = PaddingStrategy.MaxLength });
        Assert.Equal([2, 5, 3, 6, 3, 0, 0], fixedLength[0].Ids);
        Assert.Equal([0, 0, 0, 1, 1, 0, 0], fixedLength[0].TypeIds);
        Assert.Throws<ArgumentException>(() => _tokenizer.Encode("a", options: new EncodeOptions { Padding = PaddingStrategy.MaxLength }));
    }

    [Fact]
    public void ExposesMlmAndConfigSettings()
    {
        Assert.Equal(TinyWordPieceFolder.Vocabulary.Length, _tokenizer.VocabSize);
        Assert.Equal(4, _tokenizer.MaskTokenId);
        Assert.Equal(16, _tokenizer.ModelMaxLength);
        Assert.Equal([0, 1, 2, 3, 4], _tokenizer.SpecialTokenIds.Order());
        Assert.Equal("##aff", _tokenizer.IdToToken(17));
        Assert.Equal(17, _tokenizer.TokenToId("##aff"));
        Assert.Equal("[CLS] hello [SEP]", _tokenizer.Decode([2, 20, 3], skipSpecialTokens: false));
    }

    [Fact]
    public void BadFoldersGiveErrorsThatNameTheFile()
    {
        var missing = Assert.Throws<LocusException>(() => TokenizerFactory.FromFolder(Path.Combine(_folder.Path, "nope")));
        Assert.Contains("does not exist", missing.Message);

        using var broken = new TinyWordPieceFolder("{ not json");
        var error = Assert.Throws<DataFormatException>(() => TokenizerFactory.FromFolder(broken.Path));
        Assert.EndsWith("tokenizer_config.json", error.File);

        var empty = Directory.CreateTempSubdirectory("locus-empty-");
        try
        {
            var none = Assert.Throws<LocusException>(() => TokenizerFactory.FromFolder(empty.FullName));
            Assert.Contains("vocab.txt", none.Message);
        }
        finally
        {
            empty.Delete();
        }
    }
}
