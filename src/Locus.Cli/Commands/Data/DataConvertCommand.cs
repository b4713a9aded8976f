using System.CommandLine;
using System.Runtime.CompilerServices;
using Locus.Data;

namespace Locus.Cli.Commands.Data;

/// <summary><c>locus data convert</c>: between CoNLL (BIO, IOB1, BIOES), JSONL and CSV.</summary>
internal static class DataConvertCommand
{
    private const int IssuesShown = 20;

    public static Command Create()
    {
        var input = new Option<string>("--in") { Description = "The file to read.", Required = true };
        var output = new Option<string>("--out") { Description = "The file to write (written atomically).", Required = true };
        var to = new Option<string?>("--to") { Description = "Output format: conll, jsonl or csv (default: from the extension)." };
        to.AcceptOnlyFromAmong("conll", "jsonl", "csv");
        var scheme = new Option<string?>("--scheme") { Description = "Tag scheme of a CoNLL output: bio (default), iob1 or bioes." };
        scheme.AcceptOnlyFromAmong("bio", "iob2", "iob1", "bioes", "iobes");
        var skipInvalid = new Option<bool>("--skip-invalid")
        {
            Description = "Drop invalid records (counted and reported) instead of failing; without it, any invalid record fails the conversion and nothing is written.",
        };
        var inputOptions = new DataInputOptions();

        var command = new Command("convert", "Convert a data set between CoNLL (BIO/IOB1/BIOES), JSONL and CSV; every record is validated on the way.");
        command.Options.Add(input);
        command.Options.Add(output);
        command.Options.Add(to);
        command.Options.Add(scheme);
        inputOptions.AddTo(command);
        command.Options.Add(skipInvalid);

        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var inPath = parse.GetValue(input)!;
            var outPath = parse.GetValue(output)!;
            var (readOptions, detected) = await inputOptions.ResolveAsync(parse, inPath, cancellationToken);
            var inFormat = DataFormats.Resolve(inPath, readOptions.Format, "--from");
            var outFormat = DataFormats.Resolve(outPath, DataFormats.TryParse(parse.GetValue(to)), "--to");
            if (parse.GetValue(scheme) is not null && outFormat != DataFormat.Conll)
                return UsageError(error, "--scheme sets the tag scheme of a CoNLL output; for a CoNLL input use --in-scheme");
            var task = await DataInputOptions.RequireTaskAsync(inPath, readOptions, cancellationToken);
            if (outFormat.ImpliedTask() is { } outTask && outTask != task)
                throw new LocusException($"'{inPath}' holds {task.ToName()} data, which {outFormat.ToName()} files cannot hold.");
            readOptions.Task = task;

            var writeOptions = new DatasetWriteOptions
            {
                Format = outFormat,
                Conll = new ConllWriteOptions { Scheme = TagSchemes.TryParse(parse.GetValue(scheme)) ?? TagScheme.Bio },
                Csv = inputOptions.GetCsv(parse),
            };
            if (detected) error.WriteLine($"{inPath}: tag scheme {readOptions.Scheme!.Value.ToName()} (detected)");

            var report = new ValidationReport();
            var skip = parse.GetValue(skipInvalid);
            var records = ValidRecords(DatasetReader.ReadAsync(inPath, readOptions, report, cancellationToken), report, skip, cancellationToken);
            int written;
            try
            {
                written = await DatasetWriter.WriteAsync(outPath, records, writeOptions, cancellationToken);
            }
            catch (InvalidInputException)
            {
                IssuePrinter.Print(error, report, IssuesShown, $"run 'locus data validate {inPath}' for the full list");
                throw new LocusException($"{IssuePrinter.Summary(report)}; nothing written to {outPath} (use --skip-invalid to drop invalid records).");
            }

            IssuePrinter.Print(error, report, IssuesShown, $"run 'locus data validate {inPath}' for the full list");
            var schemeNote = outFormat == DataFormat.Conll ? $", {writeOptions.Conll.Scheme.ToName()}" : "";
            var skipped = report.InvalidRecordCount > 0 ? $"; skipped {report.InvalidRecordCount} invalid records" : "";
            error.WriteLine($"wrote {written} {task.ToName()} examples to {outPath} ({inFormat.ToName()} -> {outFormat.ToName()}{schemeNote}){skipped}");
            return LocusCli.Ok;
        });
        return command;
    }

    /// <summary>Passes valid records on; at the end, throws when invalid ones were found and are not to be skipped.</summary>
    private static async IAsyncEnumerable<DataRecord> ValidRecords(IAsyncEnumerable<DataRecord> records, ValidationReport report, bool skipInvalid,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var validator = new ExampleValidator(report);
        await foreach (var record in records.WithCancellation(cancellationToken))
            if (validator.Check(record)) yield return record;
        if (!skipInvalid && report.ErrorCount > 0) throw new InvalidInputException();
    }

    private static int UsageError(TextWriter error, string message)
    {
        error.WriteLine($"error: {message}");
        return LocusCli.Usage;
    }

    // Aborts the atomic write so that no output file appears; the caller then prints the report.
    private sealed class InvalidInputException : Exception;
}
