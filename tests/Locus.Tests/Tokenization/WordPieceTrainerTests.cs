using Locus.Models.Tokenization;
using Locus.Tests.TestSupport;

namespace Locus.Tests.Tokenization;

public class WordPieceTrainerTests
{
    static readonly string[] Corpus =
    [
        "The cat sat on the mat.", "A cat and a hat!", "Cats chase rats; rats flee cats.", "That hat is flat.",
        "Café crème, s'il vous plaît.", "The rat sat.",
    ];

    [Fact]
    public void LearnsSpecialTokensAlphabetAndFrequentMerges()
    {
        var vocab = WordPieceTrainer.Train(Corpus, new WordPieceTrainerOptions { VocabSize = 80, MinFrequency = 2 });
        Assert.Equal(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"], vocab.Take(5).ToArray());
        Assert.Contains("c", vocab);
        Assert.Contains("##a", vocab);
        Assert.Contains("e", vocab); // "é" is stripped to "e" by the uncased normalisation
        Assert.DoesNotContain("é", vocab);
        Assert.Contains("##at", vocab); // "at" is the most frequent continuation pair (cat, sat, mat, hat, rat, that, flat)
        Assert.Equal(vocab.Count, vocab.Distinct().Count());
        Assert.True(vocab.Count <= 80);
    }

    [Fact]
    public void TrainingIsDeterministicAndTheFolderLoadsAsATokenizer()
    {
        var first = WordPieceTrainer.Train(Corpus, new WordPieceTrainerOptions { VocabSize = 60 });
        var second = WordPieceTrainer.Train(Corpus, new WordPieceTrainerOptions { VocabSize = 60 });
        Assert.Equal(first, second);

        using var dir = new TempDir();
        WordPieceTrainer.WriteTokenizerFolder(dir.Path, first);
        var tokenizer = TokenizerFactory.FromFolder(dir.Path);
        var encoding = tokenizer.Encode("The cat sat.");
        Assert.Equal("[CLS]", encoding.Tokens[0]);
        Assert.Equal("[SEP]", encoding.Tokens[^1]);
        Assert.DoesNotContain("[UNK]", encoding.Tokens);
        Assert.Equal(first.Count, tokenizer.VocabSize);
        Assert.Equal(4, tokenizer.MaskTokenId);
    }
}
