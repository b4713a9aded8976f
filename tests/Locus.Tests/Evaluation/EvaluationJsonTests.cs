using System.Text.Json;
using Locus.Evaluation;
using static Locus.Tests.Evaluation.Tags;

namespace Locus.Tests.Evaluation;

/// <summary>Reports serialise to clean JSON (camelCase, enums as names, no NaN) and read back.</summary>
public class EvaluationJsonTests
{
    [Fact]
    public void EntityReportSerialisesWithNamedEnumsAndRoundTrips()
    {
        var report = Score(["B-PER I-PER O"], ["B-PER I-PER O"], StrictMode(TaggingScheme.IOB2));
        var json = EvaluationJson.Serialize(report);

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal("Strict", root.GetProperty("mode").GetString());
        Assert.Equal("IOB2", root.GetProperty("scheme").GetString());
        Assert.Equal(1.0, root.GetProperty("micro").GetProperty("f1").GetDouble());
        Assert.Equal("PER", root.GetProperty("perType")[0].GetProperty("label").GetString());
        Assert.Equal(1, root.GetProperty("goldEntities").GetInt32());

        var back = EvaluationJson.Deserialize<EntityReport>(json)!;
        Assert.Equal(report.PerType, back.PerType);
        Assert.Equal(report.Micro, back.Micro);
        Assert.Equal(report.Scheme, back.Scheme);
    }

    [Fact]
    public void ClassificationAndCalibrationReportsRoundTrip()
    {
        var classification = ClassificationMetrics.Evaluate(["a", "b", "b"], ["a", "a", "b"]);
        var back = EvaluationJson.Deserialize<ClassificationReport>(EvaluationJson.Serialize(classification))!;
        Assert.Equal(classification.PerLabel, back.PerLabel);
        Assert.Equal(classification.ConfusionMatrix.Counts.Select(r => r.ToArray()), back.ConfusionMatrix.Counts.Select(r => r.ToArray()));

        var calibration = CalibrationMetrics.Compute([0.2, 0.9], [false, true], new CalibrationOptions { BinCount = 4 });
        var calibrationBack = EvaluationJson.Deserialize<CalibrationReport>(EvaluationJson.Serialize(calibration))!;
        Assert.Equal(calibration.Bins, calibrationBack.Bins);
        Assert.Equal(calibration.ExpectedCalibrationError, calibrationBack.ExpectedCalibrationError);
    }

    [Fact]
    public void ReportWithNothingToScoreStillSerialises()
    {
        // The undefined macro average would be NaN in seqeval; here it is a number, so JSON writing cannot fail.
        var json = EvaluationJson.Serialize(Score(["O"], ["O"]));
        Assert.Contains("\"macro\"", json);
        Assert.DoesNotContain("NaN", json);
    }

    [Fact]
    public void SharedOptionsCannotBeChanged()
    {
        Assert.Throws<InvalidOperationException>(() => EvaluationJson.Options.WriteIndented = false);
    }
}
