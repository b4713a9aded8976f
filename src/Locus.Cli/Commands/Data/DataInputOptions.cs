using System.CommandLine;
using Locus.Data;

namespace Locus.Cli.Commands.Data;

/// <summary>
/// The options that say how to read a data file (format, task, tag scheme, CSV columns), shared by the
/// <c>locus data</c> subcommands. Each command gets its own instances.
/// </summary>
internal sealed class DataInputOptions
{
    public Option<string?> From { get; } = new("--from")
    {
        Description = "Input format: conll, jsonl or csv (default: from the extension; .conll .txt .bio .tsv are CoNLL).",
    };

    public Option<string?> Task { get; } = new("--task")
    {
        Description = "The task: ner or classification (default: implied by the format or the first JSONL record).",
    };

    public Option<string?> InScheme { get; } = new("--in-scheme")
    {
        Description = "Tag scheme of a CoNLL input: bio (iob2), iob1 or bioes (default: detected).",
    };

    public Option<string?> TextColumn { get; } = new("--text-column")
    {
        Description = "CSV text column, by header name or 0-based index (default: 'text', or column 0 without header).",
    };

    public Option<string?> LabelColumn { get; } = new("--label-column")
    {
        Description = "CSV label column, by header name or 0-based index (default: label/category/intent/class, or column 1).",
    };

    public Option<bool> NoHeader { get; } = new("--no-header") { Description = "The CSV file has no header row (and none is written)." };

    public Option<string?> LabelSeparator { get; } = new("--label-separator")
    {
        Description = "Multi-label CSV: the separator between labels in the label cell, e.g. '|'.",
    };

    public DataInputOptions()
    {
        From.AcceptOnlyFromAmong("conll", "jsonl", "csv");
        Task.AcceptOnlyFromAmong("ner", "classification");
        InScheme.AcceptOnlyFromAmong("bio", "iob2", "iob1", "bioes", "iobes");
    }

    /// <summary>Adds the options to a command.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { From, Task, InScheme, TextColumn, LabelColumn, NoHeader, LabelSeparator })
            command.Options.Add(option);
    }

    public DataTask? GetTask(ParseResult parse) => DataTasks.TryParse(parse.GetValue(Task));

    public CsvOptions GetCsv(ParseResult parse) => new()
    {
        TextColumn = parse.GetValue(TextColumn),
        LabelColumn = parse.GetValue(LabelColumn),
        HasHeader = !parse.GetValue(NoHeader),
        LabelSeparator = parse.GetValue(LabelSeparator),
    };

    /// <summary>
    /// The read options for <paramref name="path"/>; for a CoNLL file without <c>--in-scheme</c> the scheme is
    /// detected here, so that the caller can say which one was used.
    /// </summary>
    public async Task<(DatasetReadOptions Options, bool SchemeDetected)> ResolveAsync(ParseResult parse, string path, CancellationToken cancellationToken)
    {
        var options = new DatasetReadOptions
        {
            Format = DataFormats.TryParse(parse.GetValue(From)),
            Task = GetTask(parse),
            Scheme = TagSchemes.TryParse(parse.GetValue(InScheme)),
            Csv = GetCsv(parse),
            FormatOption = "--from",
        };
        if (Directory.Exists(path)) throw new LocusException($"{path} is a folder; give a data file");
        if (!File.Exists(path)) throw new FileNotFoundException($"Input file not found: {path}", path);
        if (!await HasContentAsync(path, cancellationToken)) throw new LocusException($"{path}: the file is empty (no records to read)");
        var detect = options.Scheme is null && DataFormats.Resolve(path, options.Format, "--from") == DataFormat.Conll;
        if (detect) options.Scheme = await ConllReader.DetectSchemeAsync(path, cancellationToken);
        return (options, detect);
    }

    // An empty data file is almost always a mistake (a failed export, the wrong path); reporting "0 records, valid"
    // hides it. Reads only up to the first non-blank line.
    private static async Task<bool> HasContentAsync(string path, CancellationToken cancellationToken)
    {
        using var reader = DataFiles.OpenText(path);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
            if (!string.IsNullOrWhiteSpace(line)) return true;
        return false;
    }

    /// <summary>The task of the file, failing with a clear message when it cannot be told.</summary>
    public static async Task<DataTask> RequireTaskAsync(string path, DatasetReadOptions options, CancellationToken cancellationToken) =>
        await DatasetReader.DetectTaskAsync(path, options, cancellationToken)
        ?? throw new LocusException($"Cannot tell the task of '{path}' (no readable record); give it with --task.");
}
