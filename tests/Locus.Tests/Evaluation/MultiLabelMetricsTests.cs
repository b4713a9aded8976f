using Locus.Evaluation;

namespace Locus.Tests.Evaluation;

/// <summary>Multi-label metrics, hand-computed.</summary>
public class MultiLabelMetricsTests
{
    // a: 1 correct of 1 predicted, 1 gold. b: 1 of 1, 2 gold. c: 1 of 2, 1 gold.
    private static readonly IReadOnlyList<IReadOnlyCollection<string>> Gold = [["a", "b"], ["b"], [], ["c"]];
    private static readonly IReadOnlyList<IReadOnlyCollection<string>> Predicted = [["a"], ["b", "c"], [], ["c"]];

    [Fact]
    public void MicroMacroSubsetAccuracyAndHammingLoss()
    {
        var report = MultiLabelMetrics.Evaluate(Gold, Predicted);

        Assert.Equal(new LabelScore("a", 1, 1, 1, 1, 1, 1), report.PerLabel[0]);
        Assert.Equal(2.0 / 3, report.PerLabel[1].F1, 15);
        Assert.Equal(2.0 / 3, report.PerLabel[2].F1, 15);
        // Micro: 3 correct, 4 predicted, 4 gold.
        Assert.Equal(new AverageScore(0.75, 0.75, 0.75, 4), report.Micro);
        Assert.Equal((1 + 4.0 / 3) / 3, report.Macro.F1, 15);
        Assert.Equal((1 + 2 * 2.0 / 3 + 2.0 / 3) / 4, report.Weighted.F1, 15);
        // Examples 2 (both empty) and 3 match exactly.
        Assert.Equal(0.5, report.SubsetAccuracy);
        // Wrong cells: b missing in example 0, c extra in example 1: 2 of 4 x 3.
        Assert.Equal(2.0 / 12, report.HammingLoss, 15);
    }

    [Fact]
    public void TheLabelListChangesMacroAndHammingLoss()
    {
        var report = MultiLabelMetrics.Evaluate(Gold, Predicted, new ClassificationOptions { Labels = ["a", "b", "c", "d"] });

        Assert.Equal(new LabelScore("d", 0, 0, 0, 0, 0, 0), report.PerLabel[3]);
        Assert.Equal((1 + 4.0 / 3) / 4, report.Macro.F1, 15);
        Assert.Equal(2.0 / 16, report.HammingLoss, 15);
        Assert.Contains(report.Warnings, w => w.StartsWith("recall is ill-defined", StringComparison.Ordinal) && w.EndsWith(": d", StringComparison.Ordinal));
    }

    [Fact]
    public void DuplicateLabelsInAnExampleCountOnce()
    {
        var report = MultiLabelMetrics.Evaluate([["a", "a"]], [["a"]]);
        Assert.Equal(new AverageScore(1, 1, 1, 1), report.Micro);
        Assert.Equal(1.0, report.SubsetAccuracy);
    }

    [Fact]
    public void TextReportHasMicroMacroAndWeightedRows()
    {
        var lines = MultiLabelMetrics.Evaluate(Gold, Predicted).ToText().Split('\n');
        Assert.Equal("   micro avg       0.75      0.75      0.75         4", lines[6]);
    }

    [Fact]
    public void BadInputIsRejected()
    {
        Assert.Throws<LocusException>(() => MultiLabelMetrics.Evaluate([], []));
        Assert.Throws<LocusException>(() => MultiLabelMetrics.Evaluate([["a"]], [["a"], ["b"]]));
        Assert.Throws<LocusException>(() => MultiLabelMetrics.Evaluate([[""]], [["a"]]));
    }
}
