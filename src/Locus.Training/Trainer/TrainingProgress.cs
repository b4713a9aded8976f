namespace Locus.Training.Trainer;

/// <summary>A progress event: reported after every optimiser step and at the end of each epoch.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Epochs">Maximum number of epochs.</param>
/// <param name="Step">Optimiser steps taken so far.</param>
/// <param name="TotalSteps">Optimiser steps if every epoch runs.</param>
/// <param name="Loss">Mean training loss of the epoch so far.</param>
/// <param name="LearningRate">Current learning rate.</param>
/// <param name="DevMetric">The dev metric, at the end of an epoch; null within an epoch.</param>
/// <param name="Elapsed">Time since the phase started (or resumed).</param>
/// <param name="Eta">Estimated time to the last epoch.</param>
public sealed record TrainingProgress(
    int Epoch, int Epochs, long Step, long TotalSteps, double Loss, double LearningRate,
    double? DevMetric, TimeSpan Elapsed, TimeSpan Eta)
{
    /// <summary>A one-line rendering for logs and the CLI.</summary>
    public override string ToString() =>
        $"epoch {Epoch}/{Epochs} step {Step}/{TotalSteps} loss {Loss:F4} lr {LearningRate:E2}" +
        (DevMetric is { } m ? $" dev {m:F4}" : "") + $" eta {Eta:hh\\:mm\\:ss}";
}

/// <summary>The outcome of a training phase.</summary>
/// <param name="BestEpoch">The epoch whose weights were restored (highest dev metric).</param>
/// <param name="BestDevMetric">Its dev metric.</param>
/// <param name="EpochsRun">Epochs actually run (fewer than the maximum when early stopping triggered).</param>
/// <param name="Steps">Optimiser steps taken.</param>
/// <param name="LossCurve">Mean training loss per epoch.</param>
/// <param name="DevCurve">Dev metric per epoch.</param>
/// <param name="Elapsed">Wall-clock time.</param>
public sealed record TrainingResult(
    int BestEpoch, double BestDevMetric, int EpochsRun, long Steps,
    IReadOnlyList<double> LossCurve, IReadOnlyList<double> DevCurve, TimeSpan Elapsed);
