using Locus.Models.Tokenization;

namespace Locus.Tests.Tokenization;

/// <summary>SentencePiece Unigram behaviour on a tiny generated model, with hand-computed Viterbi results.</summary>
public sealed class SentencePieceBehaviourTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("locus-spm-");
    private readonly HuggingFaceTokenizer _tokenizer;

    public SentencePieceBehaviourTests()
    {
        File.WriteAllBytes(Path.Combine(_folder.FullName, "spm.model"), TinySentencePieceModel.Build());
        _tokenizer = TokenizerFactory.FromFolder(_folder.FullName);
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private static readonly EncodeOptions NoSpecials = new() { AddSpecialTokens = false };

    [Fact]
    public void ViterbiPicksTheBestScoringSegmentation()
    {
        // "▁ab" (-1) beats "▁a" + "b" (-4).
        var encoding = _tokenizer.Encode("ab", options: NoSpecials);
        Assert.Equal([TinySentencePieceModel.SpaceAb], encoding.Ids);
        Assert.Equal([new TokenOffset(0, 2)], encoding.Offsets);
    }

    [Fact]
    public void ExtraWhitespaceIsRemovedButOffsetsPointAtTheOriginal()
    {
        // Normalised "▁a▁b": "▁a" + "▁" + "b" (-7) beats "▁" + "a" + "▁" + "b" (-10.5). The second "▁" stands for the
        // two spaces at 3..5; the leading and trailing spaces belong to no token.
        var encoding = _tokenizer.Encode("  a  b ", options: NoSpecials);
        Assert.Equal(["\u2581a", "\u2581", "b"], encoding.Tokens);
        Assert.Equal([new TokenOffset(2, 3), new(3, 5), new(5, 6)], encoding.Offsets);
        Assert.Equal([0, 1, 1], encoding.WordIds.Select(w => w!.Value));
    }

    [Fact]
    public void UnknownCharactersFallBackToBytes()
    {
        // 'é' has no piece: its UTF-8 bytes C3 A9 become byte pieces; the last one carries the character's span.
        var encoding = _tokenizer.Encode("a\u00e9", options: NoSpecials);
        Assert.Equal([TinySentencePieceModel.SpaceA, TinySentencePieceModel.ByteBase + 0xC3, TinySentencePieceModel.ByteBase + 0xA9], encoding.Ids);
        Assert.Equal(["\u2581a", "<0xC3>", "<0xA9>"], encoding.Tokens);
        Assert.Equal([new TokenOffset(0, 1), new(1, 1), new(1, 2)], encoding.Offsets);
        Assert.Equal("a\u00e9", _tokenizer.Decode(encoding.Ids));
    }

    [Fact]
    public void PairsAreWrappedLikeDebertaV2()
    {
        var encoding = _tokenizer.Encode("ab", "c");
        Assert.Equal([1, TinySentencePieceModel.SpaceAb, 2, TinySentencePieceModel.Space, TinySentencePieceModel.C, 2], encoding.Ids);
        Assert.Equal([0, 0, 0, 1, 1, 1], encoding.TypeIds);
        // "c" has no "▁c" piece: the lone dummy-prefix "▁" covers no original character, as in sentencepiece.
        Assert.Equal([new TokenOffset(0, 0), new(0, 2), new(0, 0), new(0, 0), new(0, 1), new(0, 0)], encoding.Offsets);
        Assert.Null(_tokenizer.MaskTokenId);
        Assert.Equal(266, _tokenizer.VocabSize);
    }

    [Fact]
    public void CorruptModelFileIsReportedWithItsPath()
    {
        var path = Path.Combine(_folder.FullName, "spm.model");
        File.WriteAllBytes(path, [0x0A, 0xFF]);
        var error = Assert.Throws<DataFormatException>(() => TokenizerFactory.FromFolder(_folder.FullName));
        Assert.Equal(path, error.File);
    }
}
