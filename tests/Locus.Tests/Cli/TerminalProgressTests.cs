using Locus.Cli;
using Locus.Training.Trainer;
using Spectre.Console.Testing;

namespace Locus.Tests.Cli;

public sealed class TerminalProgressTests
{
    static TrainingProgress Step(int epoch, long step, double? dev = null, double seconds = 1) =>
        new(epoch, 2, step, 10, 0.5, 1e-4, dev, TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(9));

    [Fact]
    public void OnATerminalTrainingDrawsABarAndLinesStillPrintAboveIt()
    {
        var console = new TestConsole().Interactive().EmitAnsiSequences().Width(120);
        using (var terminal = new TerminalProgress(console))
        {
            terminal.WriteLine("[split] 19 seeds to train on");
            var printer = new TrainingProgressPrinter(terminal, "train");
            for (var step = 1; step <= 5; step++) printer.Report(Step(1, step, seconds: step));
            printer.Report(Step(1, 5, dev: 0.75, seconds: 5));
            Thread.Sleep(300); // the live display redraws on its own timer
            for (var step = 6; step <= 10; step++) printer.Report(Step(2, step, seconds: step));
            Thread.Sleep(300);
        }

        var output = console.Output;
        Assert.Contains("[split] 19 seeds to train on", output);
        Assert.Contains("[train] epoch 1/2", output);                   // the bar's description
        Assert.Contains("dev 0.7500", output);                          // the epoch end, as a line of its own
        Assert.DoesNotContain("step 3/10", output);                     // steps within an epoch move the bar, not lines
        Assert.Contains("%", output);                                   // the percentage column
    }

    [Fact]
    public void RedirectedProgressIsPlainLines()
    {
        var error = new StringWriter();
        var printer = new TrainingProgressPrinter(error, "train", TimeSpan.Zero);
        printer.Report(Step(1, 1));
        printer.Report(Step(1, 2, dev: 0.5, seconds: 2));
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("[train] epoch 1/2 step 1/10", lines[0]);
        Assert.Contains("dev 0.5000", lines[1]);
    }
}
