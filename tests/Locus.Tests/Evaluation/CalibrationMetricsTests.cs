using Locus.Evaluation;

namespace Locus.Tests.Evaluation;

/// <summary>ECE, MCE, reliability bins and Brier score, hand-computed.</summary>
public class CalibrationMetricsTests
{
    [Fact]
    public void EceAndMceOverTwoBins()
    {
        // Bin (0, 0.5]: 0.25, 0.25, both wrong: confidence 0.25, accuracy 0, gap 0.25.
        // Bin (0.5, 1]: 0.55, 0.75, 0.75, all right: confidence 0.68333, accuracy 1, gap 0.31667.
        // ECE = 2/5 * 0.25 + 3/5 * 0.31667 = 0.29; MCE = 0.31667.
        var report = CalibrationMetrics.Compute([0.25, 0.25, 0.55, 0.75, 0.75], [false, false, true, true, true], new CalibrationOptions { BinCount = 2 });

        Assert.Equal(0.29, report.ExpectedCalibrationError, 12);
        Assert.Equal(1 - 2.05 / 3, report.MaximumCalibrationError, 12);
        Assert.Equal(5, report.Count);
        Assert.Equal(new ReliabilityBin(0, 0.5, 2, 0.25, 0), report.Bins[0]);
        Assert.Equal(3, report.Bins[1].Count);
        Assert.Equal(2.05 / 3, report.Bins[1].MeanConfidence, 12);
        Assert.Equal(1.0, report.Bins[1].Accuracy);
        // Brier: (0.25^2 * 2 + 0.45^2 + 0.25^2 * 2) / 5 = 0.4525 / 5.
        Assert.Equal(0.0905, report.BrierScore, 12);
    }

    [Fact]
    public void TopLabelCalibrationFromClassProbabilities()
    {
        // Top-label confidences 0.55 (wrong), 0.55 (wrong), 0.60 (right), 0.90 (right); bins of width 1/3.
        // Middle bin: confidence 1.7/3, accuracy 1/3, gap 0.23333; top bin: 0.9 vs 1, gap 0.1.
        // ECE = 3/4 * 0.23333 + 1/4 * 0.1 = 0.2; MCE = 0.23333.
        IReadOnlyList<IReadOnlyList<float>> probabilities =
        [
            [0.25f, 0.20f, 0.55f],
            [0.55f, 0.05f, 0.40f],
            [0.10f, 0.30f, 0.60f],
            [0.90f, 0.05f, 0.05f],
        ];
        var report = CalibrationMetrics.FromProbabilities(probabilities, [0, 1, 2, 0], new CalibrationOptions { BinCount = 3 });

        Assert.Equal(0.2, report.ExpectedCalibrationError, 6);
        Assert.Equal(0.7 / 3, report.MaximumCalibrationError, 6);
        Assert.Equal([0, 3, 1], report.Bins.Select(b => b.Count));
    }

    [Fact]
    public void EdgesBelongToTheLowerBinAndZeroToTheFirst()
    {
        var report = CalibrationMetrics.Compute([0.0, 0.5, 1.0, 0.2], [false, true, true, false], new CalibrationOptions { BinCount = 2 });
        Assert.Equal([3, 1], report.Bins.Select(b => b.Count));

        // 0.2 = 3/15 closes the third of 15 bins, (0.1333, 0.2].
        var fifteen = CalibrationMetrics.Compute([0.2], [true]);
        Assert.Equal(15, fifteen.Bins.Count);
        Assert.Equal(1, fifteen.Bins[2].Count);
    }

    [Fact]
    public void PerfectlyCalibratedConfidencesHaveZeroError()
    {
        // Confidence 0.75 and exactly 3 of 4 right, in one bin.
        var report = CalibrationMetrics.Compute([0.75, 0.75, 0.75, 0.75], [true, true, true, false]);
        Assert.Equal(0.0, report.ExpectedCalibrationError, 15);
        Assert.Equal(0.0, report.MaximumCalibrationError, 15);
    }

    [Fact]
    public void NoPredictionsGiveZerosWithCountZero()
    {
        var report = CalibrationMetrics.Compute([], []);
        Assert.Equal(0, report.Count);
        Assert.Equal(0.0, report.ExpectedCalibrationError);
        Assert.All(report.Bins, b => Assert.Equal(0, b.Count));
    }

    [Fact]
    public void EntityConfidencesCalibrateThroughMatchedSpans()
    {
        IReadOnlyList<IReadOnlyCollection<EntitySpan>> gold = [[new(0, 4, "PER"), new(9, 12, "LOC")]];
        IReadOnlyList<IReadOnlyCollection<ScoredEntitySpan>> predicted = [[new(0, 4, "PER", 0.9), new(9, 12, "ORG", 0.8), new(20, 25, "LOC", 0.3)]];
        var (confidences, correct) = EntityMetrics.MatchScoredSpans(gold, predicted);
        var report = CalibrationMetrics.Compute(confidences, correct, new CalibrationOptions { BinCount = 2 });

        // Bin (0, 0.5]: 0.3 wrong, gap 0.3. Bin (0.5, 1]: 0.9 right, 0.8 wrong: confidence 0.85, accuracy 0.5, gap 0.35.
        Assert.Equal(1.0 / 3 * 0.3 + 2.0 / 3 * 0.35, report.ExpectedCalibrationError, 12);
        Assert.Equal(0.35, report.MaximumCalibrationError, 12);
    }

    [Fact]
    public void MulticlassBrierScoreSumsOverClasses()
    {
        // (0.3^2 + 0.2^2 + 0.1^2) = 0.14 and (0.1^2 + 0.8^2 + 0.9^2) = 1.46: mean 0.8.
        var brier = CalibrationMetrics.BrierScore([[0.7f, 0.2f, 0.1f], [0.1f, 0.8f, 0.1f]], [0, 2]);
        Assert.Equal(0.8, brier, 6);
    }

    [Fact]
    public void InvalidInputIsRejected()
    {
        var range = Assert.Throws<LocusException>(() => CalibrationMetrics.Compute([0.5, 1.5], [true, true]));
        Assert.Contains("prediction 1", range.Message);
        Assert.Throws<LocusException>(() => CalibrationMetrics.Compute([double.NaN], [true]));
        Assert.Throws<LocusException>(() => CalibrationMetrics.Compute([0.5], [true, false]));
        Assert.Throws<ArgumentOutOfRangeException>(() => CalibrationMetrics.Compute([0.5], [true], new CalibrationOptions { BinCount = 0 }));
        Assert.Throws<LocusException>(() => CalibrationMetrics.FromProbabilities([[0.5f, 0.5f]], [2]));
        Assert.Throws<LocusException>(() => CalibrationMetrics.FromProbabilities([[0.5f, 0.5f], [1f]], [0, 0]));
    }
}
