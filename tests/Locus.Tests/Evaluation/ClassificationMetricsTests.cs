using Locus.Evaluation;

namespace Locus.Tests.Evaluation;

/// <summary>Single-label classification metrics with scikit-learn's definitions, hand-computed.</summary>
public class ClassificationMetricsTests
{
    // bird is never predicted. Per label: bird P 0 (undefined) R 0 F 0; cat P 1/2 R 1/2 F 1/2; dog P 1/2 R 1 F 2/3.
    private static readonly string[] Gold = ["cat", "cat", "dog", "bird"];
    private static readonly string[] Predicted = ["cat", "dog", "dog", "cat"];

    [Fact]
    public void MacroF1AveragesOverLabelsIncludingOneNeverPredicted()
    {
        var report = ClassificationMetrics.Evaluate(Gold, Predicted);

        Assert.Equal(0.5, report.Accuracy);
        Assert.Equal(4, report.Count);
        Assert.Equal(["bird", "cat", "dog"], report.PerLabel.Select(l => l.Label));
        Assert.Equal(new LabelScore("bird", 0, 0, 0, 1, 0, 0), report.PerLabel[0]);
        Assert.Equal(new LabelScore("cat", 0.5, 0.5, 0.5, 2, 2, 1), report.PerLabel[1]);
        Assert.Equal(2.0 / 3, report.PerLabel[2].F1, 15);
        Assert.Equal((0 + 0.5 + 2.0 / 3) / 3, report.Macro.F1, 15);
        Assert.Equal(1.0 / 3, report.Macro.Precision, 15);
        Assert.Equal(0.5, report.Macro.Recall, 15);
        // Weighted by supports 1, 2, 1: F (0 + 1 + 2/3) / 4, P (0 + 1 + 1/2) / 4.
        Assert.Equal((1 + 2.0 / 3) / 4, report.Weighted.F1, 15);
        Assert.Equal(0.375, report.Weighted.Precision, 15);
        Assert.Equal(0.5, report.Weighted.Recall, 15);
        Assert.Equal(["precision is ill-defined and set to 0 for labels with no predicted samples: bird"], report.Warnings);
    }

    [Fact]
    public void ConfusionMatrixRowsAreGoldAndColumnsPredicted()
    {
        var matrix = ClassificationMetrics.Evaluate(Gold, Predicted).ConfusionMatrix;

        Assert.Equal(["bird", "cat", "dog"], matrix.Labels);
        Assert.Equal([0, 1, 0], matrix.Counts[0]);
        Assert.Equal([0, 1, 1], matrix.Counts[1]);
        Assert.Equal([0, 0, 1], matrix.Counts[2]);
        const string expected =
            "gold \\ predicted  bird  cat  dog\n" +
            "bird                 0    1    0\n" +
            "cat                  0    1    1\n" +
            "dog                  0    0    1\n";
        Assert.Equal(expected, matrix.ToText());
    }

    [Fact]
    public void ReportTextMatchesScikitLearnLayout()
    {
        const string expected =
            "              precision    recall  f1-score   support\n" +
            "\n" +
            "        bird       0.00      0.00      0.00         1\n" +
            "         cat       0.50      0.50      0.50         2\n" +
            "         dog       0.50      1.00      0.67         1\n" +
            "\n" +
            "    accuracy                           0.50         4\n" +
            "   macro avg       0.33      0.50      0.39         4\n" +
            "weighted avg       0.38      0.50      0.42         4\n";
        Assert.Equal(expected, ClassificationMetrics.Evaluate(Gold, Predicted).ToText());
    }

    [Fact]
    public void GivenLabelsFixTheOrderAndAddAbsentLabels()
    {
        var report = ClassificationMetrics.Evaluate(Gold, Predicted, new ClassificationOptions { Labels = ["dog", "cat", "bird", "fish"] });

        Assert.Equal(["dog", "cat", "bird", "fish"], report.PerLabel.Select(l => l.Label));
        Assert.Equal(new LabelScore("fish", 0, 0, 0, 0, 0, 0), report.PerLabel[3]);
        Assert.Equal((0 + 0.5 + 2.0 / 3) / 4, report.Macro.F1, 15);
        Assert.Equal(4, report.ConfusionMatrix.Counts.Count);
    }

    [Fact]
    public void BadInputIsRejectedWithAClearMessage()
    {
        var unknown = Assert.Throws<LocusException>(() => ClassificationMetrics.Evaluate(Gold, Predicted, new ClassificationOptions { Labels = ["cat", "dog"] }));
        Assert.Contains("bird", unknown.Message);
        Assert.Throws<LocusException>(() => ClassificationMetrics.Evaluate(["a"], ["a", "b"]));
        Assert.Throws<LocusException>(() => ClassificationMetrics.Evaluate([], []));
        var empty = Assert.Throws<LocusException>(() => ClassificationMetrics.Evaluate(["a", "b"], ["a", ""]));
        Assert.Contains("example 1", empty.Message);
    }

    [Fact]
    public void PerfectPredictionsScoreOne()
    {
        var report = ClassificationMetrics.Evaluate(["x", "y", "y"], ["x", "y", "y"]);
        Assert.Equal(1.0, report.Accuracy);
        Assert.Equal(new AverageScore(1, 1, 1, 3), report.Macro);
        Assert.Empty(report.Warnings);
    }
}
