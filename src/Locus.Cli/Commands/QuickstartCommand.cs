using System.CommandLine;

namespace Locus.Cli.Commands;

/// <summary><c>locus quickstart</c>: the offline end-to-end demonstration on the embedded sample data.</summary>
public static class QuickstartCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("quickstart", "Run the offline end-to-end demonstration on the embedded sample data.");
        return command;
    }
}
