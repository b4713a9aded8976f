using System.CommandLine;
using Locus.Cli.Commands;

namespace Locus.Cli;

/// <summary>
/// Entry point of the <c>locus</c> tool. Exit codes: 0 success, 1 the command failed on its input
/// (invalid data, a run that could not finish), 2 bad usage (unknown option, missing argument, missing file).
/// </summary>
public static class LocusCli
{
    /// <summary>Exit code for success.</summary>
    public const int Ok = 0;

    /// <summary>Exit code when the command ran but its input was bad or the work failed.</summary>
    public const int Failed = 1;

    /// <summary>Exit code for a command line that does not parse or names something that does not exist.</summary>
    public const int Usage = 2;

    /// <summary>The global option that turns on debug logging.</summary>
    public const string VerboseOption = "--verbose";

    /// <summary>The global option that limits logging to errors.</summary>
    public const string QuietOption = "--quiet";

    /// <summary>Commands that show progress bars when standard error is a terminal.</summary>
    static readonly HashSet<string> LongRunningCommands = ["quickstart", "specialize", "train", "pretrain", "ingest"];

    /// <summary>Builds the command tree: one factory per top-level command.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("Locus: specialised NER and text-classification models from a handful of examples, and a map of models.");
        root.Options.Add(new Option<bool>(VerboseOption) { Description = "Log everything down to debug messages on standard error (default: warnings and errors).", Recursive = true });
        root.Options.Add(new Option<bool>(QuietOption) { Description = "Log errors only (progress lines are still printed).", Recursive = true });
        root.Subcommands.Add(DataCommand.Create());
        root.Subcommands.Add(QuickstartCommand.Create());
        root.Subcommands.Add(ModelCommand.Create());
        root.Subcommands.Add(CorpusCommand.Create());
        root.Subcommands.Add(PretrainCommand.Create());
        root.Subcommands.Add(SpecializeCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(MergeCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(AtlasCommand.Create());
        root.Subcommands.Add(RunsCommand.Create());
        return root;
    }

    /// <summary>Parses and runs; user mistakes become a one-line message and an exit code, not a stack trace.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        var parse = BuildRoot().Parse(args);
        // Bars only for the commands that work for minutes, and only on a terminal; a redirected stderr gets lines.
        using var terminal = stderr is null && parse.Errors.Count == 0 && LongRunningCommands.Contains(parse.CommandResult.Command.Name)
            && TerminalProgress.IsAvailable ? TerminalProgress.OnStandardError() : null;
        var error = stderr ?? (TextWriter?)terminal ?? Console.Error;
        // Standard output on the same screen goes above the bars too, or the live display would redraw over it.
        var output = stdout ?? (terminal is not null && !Console.IsOutputRedirected ? terminal : Console.Out);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) error.WriteLine($"error: {e.Message}");
            error.WriteLine("Run 'locus --help' (or the command followed by --help) for usage.");
            return Usage;
        }

        var verbose = parse.GetValue<bool>(VerboseOption);
        var quiet = parse.GetValue<bool>(QuietOption);
        if (verbose && quiet)
        {
            error.WriteLine($"error: {VerboseOption} and {QuietOption} exclude each other.");
            return Usage;
        }
        using var logging = CliLogging.Start(error, CliLogging.LevelFor(verbose, quiet));
        using var termination = new TerminationSignals(error);
        try
        {
            // ProcessTerminationTimeout = null: System.CommandLine would otherwise stop waiting for the command two
            // seconds after a signal and let the process exit before a run could mark itself interrupted.
            var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
            var code = await parse.InvokeAsync(configuration, termination.Token);
            return code;
        }
        catch (FileNotFoundException e)
        {
            error.WriteLine($"error: {e.Message}");
            return Usage;
        }
        catch (DirectoryNotFoundException e)
        {
            error.WriteLine($"error: {e.Message}");
            return Usage;
        }
        catch (LocusException e)
        {
            error.WriteLine($"error: {e.Message}");
            return Failed;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The file system refused (permissions, a full disk, a path that is a folder): the system's message names
            // the path; a stack trace would add nothing the user can act on.
            error.WriteLine($"error: {e.Message}");
            return Failed;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine(termination.Signal is { } signal ? $"cancelled ({signal})" : "cancelled");
            return termination.ExitCode ?? Failed;
        }
    }
}
