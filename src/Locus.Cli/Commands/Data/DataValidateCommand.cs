using System.CommandLine;
using System.Text.Json;
using Locus.Data;

namespace Locus.Cli.Commands.Data;

/// <summary><c>locus data validate</c>: every problem of a data file, located; exit 1 when there is an error.</summary>
internal static class DataValidateCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The data file (CoNLL, JSONL or CSV)." };
        var schemaOption = new Option<string?>("--schema") { Description = "A label schema file; labels not in it are errors." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var inputOptions = new DataInputOptions();

        var command = new Command("validate", "Check a data set: malformed records, spans (range, empty, overlapping), labels against a schema, duplicates. Exit 0 when valid, 1 when errors were found.");
        command.Arguments.Add(file);
        command.Options.Add(schemaOption);
        inputOptions.AddTo(command);
        command.Options.Add(json);

        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var path = parse.GetValue(file)!;
            var (readOptions, _) = await inputOptions.ResolveAsync(parse, path, cancellationToken);
            LabelSchema? schema = null;
            if (parse.GetValue(schemaOption) is { } schemaPath)
            {
                schema = await LabelSchemaFile.LoadAsync(schemaPath, cancellationToken);
                if (readOptions.Task is { } task && task != schema.Task)
                    throw new LocusException($"The schema '{schemaPath}' is for {schema.Task.ToName()}, but --task is {task.ToName()}.");
                readOptions.Task ??= schema.Task;
            }

            var report = new ValidationReport();
            var validator = new ExampleValidator(report, schema);
            await foreach (var record in DatasetReader.ReadAsync(path, readOptions, report, cancellationToken)) validator.Check(record);

            if (parse.GetValue(json)) output.WriteLine(ToJson(path, readOptions, report));
            else
            {
                IssuePrinter.Print(output, report);
                output.WriteLine($"{path}: {IssuePrinter.Summary(report)}{(report.IsValid ? " - valid" : "")}");
            }
            return report.IsValid ? LocusCli.Ok : LocusCli.Failed;
        });
        return command;
    }

    private static string ToJson(string path, DatasetReadOptions options, ValidationReport report) => JsonText.Write(json =>
    {
        json.WriteStartObject();
        json.WriteString("file", path);
        if (options.Scheme is { } scheme) json.WriteString("scheme", scheme.ToName());
        json.WriteBoolean("valid", report.IsValid);
        json.WriteNumber("records", report.RecordCount);
        json.WriteNumber("invalid_records", report.InvalidRecordCount);
        WriteIssues(json, "errors", report.Errors);
        WriteIssues(json, "warnings", report.Warnings);
        json.WriteEndObject();
    });

    private static void WriteIssues(Utf8JsonWriter json, string name, IEnumerable<DataIssue> issues)
    {
        json.WriteStartArray(name);
        foreach (var issue in issues)
        {
            json.WriteStartObject();
            json.WriteNumber("line", issue.Line);
            if (issue.Field is null) json.WriteNull("field"); else json.WriteString("field", issue.Field);
            json.WriteString("problem", issue.Problem);
            json.WriteString("message", issue.ToString());
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }
}
