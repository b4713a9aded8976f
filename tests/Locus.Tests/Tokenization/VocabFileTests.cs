using Locus.Models.Tokenization;
using Locus.Tests.TestSupport;

namespace Locus.Tests.Tokenization;

/// <summary>vocab.txt as Hugging Face reads it: any line end; a vocabulary without its unknown token is a one-line error.</summary>
public sealed class VocabFileTests : IDisposable
{
    readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    string Vocab(string lineEnd, params string[] tokens)
    {
        var path = _dir.File($"vocab-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, string.Join(lineEnd, tokens) + lineEnd);
        return path;
    }

    static readonly string[] Tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "play", "##ing", "games"];

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void OtherLineEndsGiveTheSameIdsAsLf(string lineEnd)
    {
        var lf = TokenizerFactory.WordPieceFromVocab(Vocab("\n", Tokens));
        var other = TokenizerFactory.WordPieceFromVocab(Vocab(lineEnd, Tokens));
        Assert.Equal(Tokens.Length, other.VocabSize);
        Assert.Equal([2, 5, 6, 7, 3], other.Encode("Playing games").Ids);
        Assert.Equal(lf.Encode("Playing games").Ids, other.Encode("Playing games").Ids);
    }

    [Fact]
    public void MissingUnknownTokenIsAOneLineError()
    {
        var path = Vocab("\n", "[PAD]", "[CLS]", "[SEP]", "play");
        var error = Assert.Throws<DataFormatException>(() => TokenizerFactory.WordPieceFromVocab(path));
        Assert.Contains("the vocabulary has no unknown token '[UNK]'", error.Message);
        Assert.Contains(path, error.Message);
    }
}
