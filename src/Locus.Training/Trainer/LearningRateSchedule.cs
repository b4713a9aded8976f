namespace Locus.Training.Trainer;

/// <summary>Linear warm-up from 0 to the peak, then linear decay to 0 (Hugging Face's "linear" schedule).</summary>
public sealed record LearningRateSchedule(double PeakLearningRate, long WarmupSteps, long TotalSteps)
{
    /// <summary>The learning rate for the optimiser step with 0-based index <paramref name="step"/>.</summary>
    public double At(long step)
    {
        if (step < WarmupSteps) return PeakLearningRate * (step + 1) / WarmupSteps;
        var remaining = Math.Max(0, TotalSteps - step);
        var decaySteps = Math.Max(1, TotalSteps - WarmupSteps);
        return PeakLearningRate * remaining / decaySteps;
    }
}
