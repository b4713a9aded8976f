using Locus.Models.Encoders;
using Locus.Training.FineTuning;
using Locus.Training.Tasks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Locus.Tests.Training;

/// <summary>The pairs of the SetFit-style contrastive stage: targets match the labels, and the same seed draws the same pairs.</summary>
public sealed class ContrastivePairsTests
{
    static IReadOnlyList<SequenceClassificationItem> Items(params int[] labels) =>
        labels.Select(l => new SequenceClassificationItem(null!, l, null)).ToList();

    static ContrastiveBodyTuning Tuning(IReadOnlyList<SequenceClassificationItem> items, int seed) =>
        new(null!, items, 4 * items.Count, 8, seed, null!, [], _ => { }, _ => 0);

    [Fact]
    public void SameLabelPairsTargetOneAndOthersZero()
    {
        var items = Items(0, 0, 0, 1, 1, 2);
        var pairs = Tuning(items, 7).Pairs;
        Assert.NotEmpty(pairs);
        foreach (var (a, b, target) in pairs)
        {
            Assert.NotEqual(a, b);
            Assert.Equal(items[a].Label == items[b].Label ? 1f : 0f, target);
        }
        Assert.Contains(pairs, p => p.Target == 1f);
        Assert.Contains(pairs, p => p.Target == 0f);
        // The only item of label 2 has no partner of its label: it gets negative pairs only.
        Assert.All(pairs.Where(p => p.A == 5), p => Assert.Equal(0f, p.Target));
    }

    [Fact]
    public void ManyExamplesGetASampleOfThePairBudget()
    {
        var items = Items([.. Enumerable.Range(0, 300).Select(i => i % 7)]);
        var tuning = new ContrastiveBodyTuning(null!, items, 100, 8, 1, null!, [], _ => { }, _ => 0);
        Assert.Equal(100, tuning.Pairs.Count);
        Assert.Equal(13, tuning.BatchesPerEpoch);
    }

    [Fact]
    public void TheSameSeedDrawsTheSamePairs()
    {
        var items = Items(0, 1, 0, 1, 2, 2, 0);
        Assert.Equal(Tuning(items, 3).Pairs, Tuning(items, 3).Pairs);
        Assert.NotEqual(Tuning(items, 3).Pairs, Tuning(items, 4).Pairs);
    }
}
