using Locus.Cli;

namespace Locus.Tests.TestSupport;

/// <summary>Runs the <c>locus</c> command line in-process and captures its exit code and both output streams.</summary>
public static class CliRun
{
    /// <summary>Runs <paramref name="args"/> as <c>locus args...</c>.</summary>
    public static async Task<(int Code, string Out, string Err)> Locus(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await LocusCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
