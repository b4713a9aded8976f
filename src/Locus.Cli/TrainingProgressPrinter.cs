using Locus.Training.Trainer;
using Spectre.Console;

namespace Locus.Cli;

/// <summary>
/// Progress of long training runs on standard error. On a terminal (<see cref="TerminalProgress"/>) a bar per training
/// phase moves with every step; redirected to a log, a line within an epoch at most every few seconds. Either way every
/// epoch end is a line of its own, so the dev-metric history stays on screen.
/// </summary>
internal sealed class TrainingProgressPrinter(TextWriter error, Func<string> label, TimeSpan? interval = null) : IProgress<TrainingProgress>
{
    /// <summary>A printer whose lines always carry <paramref name="label"/>.</summary>
    public TrainingProgressPrinter(TextWriter error, string label, TimeSpan? interval = null) : this(error, () => label, interval)
    {
    }

    readonly TimeSpan interval = interval ?? TimeSpan.FromSeconds(5);
    TimeSpan? lastPrinted;
    ProgressTask? bar;

    public void Report(TrainingProgress value)
    {
        var newPhase = lastPrinted is { } previous && value.Elapsed < previous; // a new training (the student after the teacher)
        if (newPhase) lastPrinted = null;
        if (error is TerminalProgress terminal)
        {
            if (newPhase || bar is null)
            {
                bar?.StopTask();
                bar = terminal.AddBar($"[{label()}]", value.TotalSteps);
            }
            bar.MaxValue = Math.Max(1, value.TotalSteps);
            bar.Value = value.Step;
            bar.Description = Markup.Escape($"[{label()}] epoch {value.Epoch}/{value.Epochs} loss {value.Loss:F4}");
            lastPrinted = value.Elapsed;
            if (value.DevMetric is not null) error.WriteLine($"[{label()}] {value}");
            return;
        }
        if (value.DevMetric is null && lastPrinted is { } last && value.Elapsed - last < interval) return;
        lastPrinted = value.Elapsed;
        error.WriteLine($"[{label()}] {value}");
    }
}
