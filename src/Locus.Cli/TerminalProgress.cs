using System.Text;
using Spectre.Console;

namespace Locus.Cli;

/// <summary>
/// Standard error when it is a terminal: live progress bars (Spectre.Console) at the bottom, every other line (stage
/// messages, log records, errors) written above them. It is a <see cref="TextWriter"/> so that the commands, the logger
/// and the error handler keep writing lines as they do to a redirected stderr; progress printers that find one draw a
/// bar instead of printing a line every few seconds. Where stderr is redirected (a log file, CI) none is made and
/// progress stays plain lines.
/// </summary>
internal sealed class TerminalProgress : TextWriter
{
    readonly IAnsiConsole console;
    readonly Task rendering;
    readonly TaskCompletionSource finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly TaskCompletionSource<ProgressContext> started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly StringBuilder pending = new();
    readonly Lock gate = new();

    /// <summary>Starts the live display on <paramref name="console"/>; it renders until <see cref="TextWriter.Dispose()"/>.</summary>
    public TerminalProgress(IAnsiConsole console)
    {
        this.console = console;
        var progress = console.Progress().AutoClear(true).HideCompleted(true).Columns(
            new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
            new RemainingTimeColumn(), new SpinnerColumn());
        rendering = progress.StartAsync(context =>
        {
            started.SetResult(context);
            return finished.Task;
        });
    }

    /// <summary>Whether this process's standard error is an interactive terminal that can draw bars.</summary>
    public static bool IsAvailable =>
        !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "" or "dumb");

    /// <summary>A live display on this process's standard error.</summary>
    public static TerminalProgress OnStandardError() =>
        new(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error), Interactive = InteractionSupport.Yes }));

    /// <summary>A new bar; <paramref name="total"/> null draws an indeterminate one (work of unknown size).</summary>
    public ProgressTask AddBar(string description, double? total)
    {
        var task = started.Task.Result.AddTask(Markup.Escape(description), autoStart: true, maxValue: total ?? 100);
        task.IsIndeterminate = total is null;
        return task;
    }

    /// <inheritdoc />
    public override Encoding Encoding => Encoding.UTF8;

    /// <inheritdoc />
    public override void Write(char value)
    {
        lock (gate)
        {
            if (value == '\n') Flush(line: true);
            else if (value != '\r') pending.Append(value);
        }
    }

    /// <inheritdoc />
    public override void Write(string? value)
    {
        if (value is null) return;
        foreach (var c in value) Write(c);
    }

    /// <inheritdoc />
    public override void Flush()
    {
        lock (gate) Flush(line: false);
    }

    void Flush(bool line)
    {
        if (!line && pending.Length == 0) return;
        // Written through the console that renders the bars, so the line lands above them instead of through them.
        console.WriteLine(pending.ToString());
        pending.Clear();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Flush();
            finished.TrySetResult();
            rendering.GetAwaiter().GetResult();
        }
        base.Dispose(disposing);
    }
}
