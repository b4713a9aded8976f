using System.CommandLine;
using Locus.Data;

namespace Locus.Cli.Commands.Data;

/// <summary><c>locus data schema infer</c>: the label schema a data set uses.</summary>
internal static class DataSchemaCommand
{
    public static Command Create()
    {
        var schema = new Command("schema", "Label schema files: {\"task\": \"ner\", \"labels\": [{\"name\": \"PER\", \"description\": \"people\"}]}.");
        schema.Subcommands.Add(CreateInfer());
        return schema;
    }

    private static Command CreateInfer()
    {
        var file = new Argument<string>("file") { Description = "The data file (CoNLL, JSONL or CSV)." };
        var output = new Option<string?>("--out") { Description = "Where to write the schema (default: print it)." };
        var inputOptions = new DataInputOptions();
        var command = new Command("infer", "Write a schema listing every label a data set uses (add descriptions by hand afterwards).");
        command.Arguments.Add(file);
        command.Options.Add(output);
        inputOptions.AddTo(command);

        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            var (readOptions, _) = await inputOptions.ResolveAsync(parse, path, cancellationToken);
            var inferred = await LabelSchema.InferAsync(DatasetReader.ReadAsync(path, readOptions, null, cancellationToken), readOptions.Task, cancellationToken);
            if (parse.GetValue(output) is { } outPath)
            {
                await LabelSchemaFile.SaveAsync(inferred, outPath, cancellationToken);
                parse.InvocationConfiguration.Error.WriteLine($"wrote {inferred.Labels.Count} {inferred.Task.ToName()} labels to {outPath}");
            }
            else parse.InvocationConfiguration.Output.Write(LabelSchemaFile.ToJson(inferred));
            return LocusCli.Ok;
        });
        return command;
    }
}
