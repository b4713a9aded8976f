using Locus.Evaluation;
using static Locus.Tests.Evaluation.Tags;

namespace Locus.Tests.Evaluation;

/// <summary>Entity scores over character spans: the same strict P/R/F1 as strict tag evaluation.</summary>
public class SpanMetricsTests
{
    // "John Smith lives in New York ." and "Acme hired Mary ." with each token's character range.
    private static readonly (int Start, int End)[][] TokenOffsets =
    [
        [(0, 4), (5, 10), (11, 16), (17, 19), (20, 23), (24, 28), (29, 30)],
        [(0, 4), (5, 10), (11, 15), (16, 17)],
    ];

    private static readonly string[] GoldTags = ["B-PER I-PER O O B-LOC I-LOC O", "B-ORG O B-PER O"];
    private static readonly string[] PredictedTags = ["B-PER O O O B-LOC I-LOC O", "B-LOC O B-PER O"];

    [Fact]
    public void SpansScoreExactlyLikeStrictIob2Tags()
    {
        var fromTags = Score(GoldTags, PredictedTags, StrictMode(TaggingScheme.IOB2));
        var fromSpans = EntityMetrics.EvaluateSpans(ToSpans(GoldTags), ToSpans(PredictedTags));

        Assert.Equal(fromTags.PerType, fromSpans.PerType);
        Assert.Equal(fromTags.Micro, fromSpans.Micro);
        Assert.Equal(fromTags.Macro, fromSpans.Macro);
        Assert.Equal(fromTags.Weighted, fromSpans.Weighted);
        Assert.Equal(EntityEvaluationMode.Spans, fromSpans.Mode);
        Assert.Null(fromSpans.TokenAccuracy);
        // Hand count: gold PER x2, LOC, ORG; predicted PER (short), LOC, LOC (wrong type), PER: 2 correct of 4 and 4.
        Assert.Equal(new AverageScore(0.5, 0.5, 0.5, 4), fromSpans.Micro);
    }

    [Fact]
    public void BoundaryOrLabelMismatchIsWrongAndDuplicatesCountOnce()
    {
        IReadOnlyList<IReadOnlyCollection<EntitySpan>> gold = [[new(0, 4, "PER"), new(10, 15, "LOC")]];
        IReadOnlyList<IReadOnlyCollection<EntitySpan>> predicted = [[new(0, 4, "PER"), new(0, 4, "PER"), new(10, 14, "LOC"), new(10, 15, "ORG")]];
        var report = EntityMetrics.EvaluateSpans(gold, predicted);

        Assert.Equal((2, 3, 1), (report.GoldEntities, report.PredictedEntities, report.CorrectEntities));
        Assert.Equal(1.0 / 3, report.Micro.Precision, 15);
        Assert.Equal(0.5, report.Micro.Recall);
    }

    [Fact]
    public void SameSpanInAnotherExampleDoesNotMatch()
    {
        var report = EntityMetrics.EvaluateSpans([[new EntitySpan(0, 4, "PER")], []], [[], [new EntitySpan(0, 4, "PER")]]);
        Assert.Equal(0, report.CorrectEntities);
    }

    [Fact]
    public void MalformedSpansAndCountMismatchAreErrors()
    {
        var reversed = Assert.Throws<LocusException>(() => EntityMetrics.EvaluateSpans([[]], [[new EntitySpan(5, 5, "PER")]]));
        Assert.Contains("example 0", reversed.Message);
        Assert.Throws<LocusException>(() => EntityMetrics.EvaluateSpans([[new EntitySpan(0, 3, "")]], [[]]));
        Assert.Throws<LocusException>(() => EntityMetrics.EvaluateSpans([[]], [[], []]));
    }

    [Fact]
    public void ScoredSpansPairConfidenceWithCorrectness()
    {
        IReadOnlyList<IReadOnlyCollection<EntitySpan>> gold = [[new(0, 4, "PER")], [new(3, 8, "LOC")]];
        IReadOnlyList<IReadOnlyCollection<ScoredEntitySpan>> predicted = [[new(0, 4, "PER", 0.9), new(6, 9, "ORG", 0.4)], [new(3, 8, "PER", 0.7)]];
        var (confidences, correct) = EntityMetrics.MatchScoredSpans(gold, predicted);

        Assert.Equal([0.9, 0.4, 0.7], confidences);
        Assert.Equal([true, false, false], correct);
    }

    private static IReadOnlyList<IReadOnlyCollection<EntitySpan>> ToSpans(string[] tagSentences)
    {
        var entities = StrictChunker.Chunk(Sentences(tagSentences), TaggingScheme.IOB2, suffix: false);
        return tagSentences.Select((_, s) => (IReadOnlyCollection<EntitySpan>)entities
            .Where(e => e.Example == s)
            .Select(e => new EntitySpan(TokenOffsets[s][e.Start].Start, TokenOffsets[s][e.End - 1].End, e.Type))
            .ToList()).ToList();
    }
}
