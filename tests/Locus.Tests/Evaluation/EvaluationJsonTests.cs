using System.Text.Json;
using Locus.Evaluation;
using static Locus.Tests.Evaluation.Tags;

namespace Locus.Tests.Evaluation;

/// <summary>Reports serialise to clean JSON (LocusJson: snake_case, enums as snake_case names, no NaN) and read back.</summary>
public class EvaluationJsonTests
{
    [Fact]
    public void EntityReportSerialisesWithNamedEnumsAndRoundTrips()
    {
        var report = Score(["B-PER I-PER O"], ["B-PER I-PER O"], StrictMode(TaggingScheme.IOB2));
        var json = LocusJson.Serialize(report);

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal("strict", root.GetProperty("mode").GetString());
        Assert.Equal("iob2", root.GetProperty("scheme").GetString());
        Assert.Equal(1.0, root.GetProperty("micro").GetProperty("f1").GetDouble());
        Assert.Equal("PER", root.GetProperty("per_type")[0].GetProperty("label").GetString());
        Assert.Equal(1, root.GetProperty("gold_entities").GetInt32());

        var back = JsonSerializer.Deserialize<EntityReport>(json, LocusJson.Options)!;
        Assert.Equal(report.PerType, back.PerType);
        Assert.Equal(report.Micro, back.Micro);
        Assert.Equal(report.Scheme, back.Scheme);
    }

    [Fact]
    public void ClassificationAndCalibrationReportsRoundTrip()
    {
        var classification = ClassificationMetrics.Evaluate(["a", "b", "b"], ["a", "a", "b"]);
        var back = JsonSerializer.Deserialize<ClassificationReport>(LocusJson.Serialize(classification), LocusJson.Options)!;
        Assert.Equal(classification.PerLabel, back.PerLabel);
        Assert.Equal(classification.ConfusionMatrix.Counts.Select(r => r.ToArray()), back.ConfusionMatrix.Counts.Select(r => r.ToArray()));

        var calibration = CalibrationMetrics.Compute([0.2, 0.9], [false, true], new CalibrationOptions { BinCount = 4 });
        var calibrationBack = JsonSerializer.Deserialize<CalibrationReport>(LocusJson.Serialize(calibration), LocusJson.Options)!;
        Assert.Equal(calibration.Bins, calibrationBack.Bins);
        Assert.Equal(calibration.ExpectedCalibrationError, calibrationBack.ExpectedCalibrationError);
    }

    [Fact]
    public void ReportWithNothingToScoreStillSerialises()
    {
        // The undefined macro average would be NaN in seqeval; here it is a number, so JSON writing cannot fail.
        var json = LocusJson.Serialize(Score(["O"], ["O"]));
        Assert.Contains("\"macro\"", json);
        Assert.DoesNotContain("NaN", json);
    }

    [Fact]
    public void SharedOptionsCannotBeChanged()
    {
        Assert.Throws<InvalidOperationException>(() => LocusJson.Options.WriteIndented = false);
    }
}
