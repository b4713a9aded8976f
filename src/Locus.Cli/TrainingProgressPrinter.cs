using Locus.Training.Trainer;

namespace Locus.Cli;

/// <summary>
/// Line-based progress for long training runs on standard error (readable when redirected to a log): every epoch
/// end, and within an epoch at most every few seconds.
/// </summary>
internal sealed class TrainingProgressPrinter(TextWriter error, Func<string> label, TimeSpan? interval = null) : IProgress<TrainingProgress>
{
    /// <summary>A printer whose lines always carry <paramref name="label"/>.</summary>
    public TrainingProgressPrinter(TextWriter error, string label, TimeSpan? interval = null) : this(error, () => label, interval)
    {
    }

    readonly TimeSpan interval = interval ?? TimeSpan.FromSeconds(5);
    TimeSpan? lastPrinted;

    public void Report(TrainingProgress value)
    {
        if (lastPrinted is { } previous && value.Elapsed < previous) lastPrinted = null; // a new training (the student after the teacher)
        if (value.DevMetric is null && lastPrinted is { } last && value.Elapsed - last < interval) return;
        lastPrinted = value.Elapsed;
        error.WriteLine($"[{label()}] {value}");
    }
}
