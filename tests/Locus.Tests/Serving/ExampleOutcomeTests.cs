using Locus.Evaluation;

namespace Locus.Tests.Serving;

/// <summary>The per-example scores that <c>eval --records</c> writes for the atlas.</summary>
public class ExampleOutcomeTests
{
    [Fact]
    public void SentenceEntityF1IsStrictAndOneWhenBothSidesAreEmpty()
    {
        EntitySpan[] gold = [new(0, 5, "PER"), new(10, 14, "ORG")];
        Assert.Equal(1.0, ExampleOutcome.EntityF1([], []));
        Assert.Equal(0.0, ExampleOutcome.EntityF1(gold, []));
        Assert.Equal(1.0, ExampleOutcome.EntityF1(gold, gold));
        Assert.Equal(2.0 * 1 / 4, ExampleOutcome.EntityF1(gold, [new(0, 5, "PER"), new(10, 14, "LOC")]));
        Assert.Equal(2.0 * 1 / 3, ExampleOutcome.EntityF1(gold, [new(0, 5, "PER")]));
    }

    [Fact]
    public void LabelsScoreCorrectnessOrJaccardOverlap()
    {
        Assert.Equal(1.0, ExampleOutcome.Label("card", "card"));
        Assert.Equal(0.0, ExampleOutcome.Label("card", "transfer"));
        Assert.Equal(1.0, ExampleOutcome.Labels([], []));
        Assert.Equal(1.0 / 3, ExampleOutcome.Labels(["a", "b"], ["b", "c"]));
    }
}
