using System.CommandLine;
using Locus.Cli.Commands.Data;

namespace Locus.Cli.Commands;

/// <summary><c>locus data</c>: convert, validate and describe NER and classification data sets.</summary>
public static class DataCommand
{
    /// <summary>Creates the command and its subcommands.</summary>
    public static Command Create()
    {
        var data = new Command("data", "Convert, validate and describe NER and text-classification data.");
        data.Subcommands.Add(DataConvertCommand.Create());
        data.Subcommands.Add(DataValidateCommand.Create());
        data.Subcommands.Add(DataStatsCommand.Create());
        data.Subcommands.Add(DataSchemaCommand.Create());
        return data;
    }
}
