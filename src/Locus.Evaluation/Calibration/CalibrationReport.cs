namespace Locus.Evaluation;

/// <summary>How well confidences match observed accuracy.</summary>
/// <param name="ExpectedCalibrationError">Sum over bins of (bin count / total) x |accuracy - mean confidence|.</param>
/// <param name="MaximumCalibrationError">Largest |accuracy - mean confidence| over the non-empty bins.</param>
/// <param name="BrierScore">Mean of (confidence - correct)^2 with correct as 0 or 1.</param>
/// <param name="Count">Number of predictions; all scores are 0 when it is 0.</param>
/// <param name="Bins">The reliability diagram, one entry per bin, empty bins included.</param>
public sealed record CalibrationReport(
    double ExpectedCalibrationError,
    double MaximumCalibrationError,
    double BrierScore,
    int Count,
    IReadOnlyList<ReliabilityBin> Bins);
