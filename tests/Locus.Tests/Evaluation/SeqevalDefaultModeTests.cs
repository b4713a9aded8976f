using Locus.Evaluation;
using static Locus.Tests.Evaluation.Tags;

namespace Locus.Tests.Evaluation;

/// <summary>seqeval's default (conlleval-compatible) chunking and scores, with hand-worked expectations.</summary>
public class SeqevalDefaultModeTests
{
    private static readonly string[] ReadmeGold = ["O O O B-MISC I-MISC I-MISC O", "B-PER I-PER O"];
    private static readonly string[] ReadmePredicted = ["O O B-MISC I-MISC I-MISC I-MISC O", "B-PER I-PER O"];

    [Fact]
    public void ReadmeExampleGivesHalfMicroF1AndPerTypeScores()
    {
        var report = Score(ReadmeGold, ReadmePredicted);

        Assert.Equal(new AverageScore(0.5, 0.5, 0.5, 2), report.Micro);
        Assert.Equal(new AverageScore(0.5, 0.5, 0.5, 2), report.Macro);
        Assert.Equal(new AverageScore(0.5, 0.5, 0.5, 2), report.Weighted);
        Assert.Equal(
            [new LabelScore("MISC", 0, 0, 0, 1, 1, 0), new LabelScore("PER", 1, 1, 1, 1, 1, 1)],
            report.PerType);
        // 8 of the 10 tags agree (the MISC entity is shifted by one token).
        Assert.Equal(0.8, report.TokenAccuracy);
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void ReadmeExampleReportTextMatchesSeqevalCharacterForCharacter()
    {
        const string expected =
            "              precision    recall  f1-score   support\n" +
            "\n" +
            "        MISC       0.00      0.00      0.00         1\n" +
            "         PER       1.00      1.00      1.00         1\n" +
            "\n" +
            "   micro avg       0.50      0.50      0.50         2\n" +
            "   macro avg       0.50      0.50      0.50         2\n" +
            "weighted avg       0.50      0.50      0.50         2\n";
        Assert.Equal(expected, Score(ReadmeGold, ReadmePredicted).ToText());
    }

    [Fact]
    public void DocstringExampleWithTwoAdjacentMiscEntities()
    {
        // seqeval's f1_score docstring: micro 2/3, macro 0.75, weighted 2/3, per type [0.5, 1].
        var report = Score(["O O B-MISC I-MISC B-MISC O O", "B-PER I-PER O"], ["O O B-MISC I-MISC B-MISC I-MISC O", "B-PER I-PER O"]);

        Assert.Equal(2.0 / 3, report.Micro.F1, 15);
        Assert.Equal(0.75, report.Macro.F1, 15);
        Assert.Equal(2.0 / 3, report.Weighted.F1, 15);
        Assert.Equal([0.5, 1.0], report.PerType.Select(t => t.F1));
        Assert.Equal((3, 3, 2), (report.GoldEntities, report.PredictedEntities, report.CorrectEntities));
    }

    [Fact]
    public void IAfterOStartsAnEntity()
    {
        Assert.Equal(["0:1-3:PER"], Default("O I-PER I-PER O"));
        // So an I- start and a B- start of the same tokens are the same entity: perfect score.
        var report = Score(["O I-PER I-PER O"], ["O B-PER I-PER O"]);
        Assert.Equal(1.0, report.Micro.F1);
    }

    [Fact]
    public void TypeChangeInsideAChunkSplitsIt()
    {
        Assert.Equal(["0:0-1:PER", "0:1-3:LOC"], Default("B-PER I-LOC I-LOC"));
        Assert.Equal(["0:0-1:PER", "0:1-2:LOC"], Default("B-PER B-LOC"));
        Assert.Equal(["0:0-1:PER", "0:1-2:PER"], Default("B-PER B-PER"));
    }

    [Fact]
    public void EntityAtSentenceEndIsClosedAndNeverRunsIntoTheNextSentence()
    {
        Assert.Equal(["0:1-3:LOC"], Default("O B-LOC I-LOC"));
        Assert.Equal(["0:0-1:PER", "1:0-1:PER"], Default("B-PER", "I-PER"));
    }

    [Fact]
    public void IobesPrefixesAreUnderstood()
    {
        Assert.Equal(["0:0-1:PER", "0:1-3:LOC", "0:3-4:PER"], Default("S-PER B-LOC E-LOC S-PER"));
        // E- after O starts an entity; E- closes it, so the next I- starts another.
        Assert.Equal(["0:1-2:ORG", "0:2-3:ORG"], Default("O E-ORG I-ORG"));
    }

    [Fact]
    public void BilouPrefixesAreReadLiterallyAsSeqevalDoes()
    {
        // U and L are not prefixes in default mode: "U-PER U-PER" is one chunk of type PER (strict BILOU gives two).
        Assert.Equal(["0:0-2:PER"], Default("U-PER U-PER"));
        Assert.Equal(["0:0-1:PER", "0:1-2:PER"], Strict(TaggingScheme.BILOU, "U-PER U-PER"));
    }

    [Fact]
    public void TagsWithoutPrefixAreSplitAfterTheFirstCharacterAndWarned()
    {
        var gold = Sentences("PER PER O");
        var unprefixed = new HashSet<string>();
        Assert.Equal(["0:0-2:ER"], Describe(ConllChunker.Chunk(gold, suffix: false, unprefixed)));
        Assert.Equal(["PER"], unprefixed);

        var report = EntityMetrics.Evaluate(gold, gold);
        Assert.Contains(report.Warnings, w => w.Contains("PER", StringComparison.Ordinal));
    }

    [Fact]
    public void AChunkLeftOpenByAnUntypedTagIsEmittedLikeSeqevalDoes()
    {
        // "X" has type "_" like "O", so it neither starts nor ends anything; the next type change emits a
        // chunk from the last start (token 0): seqeval's get_entities gives ('_', 0, 2) here too.
        Assert.Equal(["0:0-1:LOC", "0:0-3:_", "0:3-4:PER"], Default("B-LOC O X B-PER"));
    }

    [Fact]
    public void SuffixTagsPutThePrefixAfterTheType()
    {
        var sentences = Sentences("PER-B PER-I O LOC-S");
        Assert.Equal(["0:0-2:PER", "0:3-4:LOC"], Describe(ConllChunker.Chunk(sentences, suffix: true, new HashSet<string>())));
    }

    [Fact]
    public void TypesKeepEverythingAfterTheFirstDash()
    {
        Assert.Equal(["0:0-2:ORG-CORP"], Default("B-ORG-CORP I-ORG-CORP"));
    }

    [Fact]
    public void SentenceWithNoEntitiesGivesZerosAndWarnings()
    {
        var report = Score(["O O O"], ["O O O"]);

        Assert.Empty(report.PerType);
        Assert.Equal(new AverageScore(0, 0, 0, 0), report.Micro);
        Assert.Equal(new AverageScore(0, 0, 0, 0), report.Macro);
        Assert.Equal(new AverageScore(0, 0, 0, 0), report.Weighted);
        Assert.Equal(1.0, report.TokenAccuracy);
        Assert.Contains(report.Warnings, w => w.StartsWith("micro precision", StringComparison.Ordinal));
        Assert.Contains(report.Warnings, w => w.StartsWith("micro recall", StringComparison.Ordinal));
        Assert.Contains(report.Warnings, w => w.StartsWith("macro average", StringComparison.Ordinal));
    }

    [Fact]
    public void MismatchedShapesAndEmptyTagsAreReportedWithTheirPosition()
    {
        var shape = Assert.Throws<LocusException>(() => Score(["O O", "B-PER"], ["O O", "B-PER O"]));
        Assert.Contains("sentence 1", shape.Message);
        var count = Assert.Throws<LocusException>(() => Score(["O"], ["O", "O"]));
        Assert.Contains("1 sentences", count.Message);
        var empty = Assert.Throws<LocusException>(() =>
            EntityMetrics.Evaluate([["O", ""]], [["O", "O"]]));
        Assert.Contains("sentence 0, token 1", empty.Message);
    }

    [Fact]
    public void TokenAccuracyCountsEqualTags()
    {
        Assert.Equal(0.8, EntityMetrics.TokenAccuracy(Sentences(ReadmeGold), Sentences(ReadmePredicted)));
        Assert.Throws<LocusException>(() => EntityMetrics.TokenAccuracy(Sentences(""), Sentences("")));
        Assert.Null(Score([""], [""]).TokenAccuracy);
    }
}
