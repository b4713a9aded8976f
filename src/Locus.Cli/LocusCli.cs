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

    /// <summary>Builds the command tree: one factory per top-level command.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("Locus: specialised NER and text-classification models from a handful of examples, and a map of models.");
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
        var output = stdout ?? Console.Out;
        var error = stderr ?? Console.Error;
        var parse = BuildRoot().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) error.WriteLine($"error: {e.Message}");
            error.WriteLine("Run 'locus --help' (or the command followed by --help) for usage.");
            return Usage;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
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
        catch (OperationCanceledException)
        {
            error.WriteLine("cancelled");
            return Failed;
        }
    }
}
