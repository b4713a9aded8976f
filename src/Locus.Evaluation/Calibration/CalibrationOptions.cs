namespace Locus.Evaluation;

/// <summary>Options for calibration metrics.</summary>
public sealed class CalibrationOptions
{
    /// <summary>Number of equal-width confidence bins over [0, 1]; 15 as in Guo et al. (2017) and torchmetrics.</summary>
    public int BinCount { get; set; } = 15;
}
