namespace Locus.Data;

/// <summary>What <see cref="DatasetReader"/> reads and how.</summary>
public sealed class DatasetReadOptions
{
    /// <summary>The format; null: from the file extension.</summary>
    public DataFormat? Format { get; set; }

    /// <summary>The task; null: implied by the format, or (JSONL) by the first record.</summary>
    public DataTask? Task { get; set; }

    /// <summary>The tag scheme of a CoNLL file; null: detected.</summary>
    public TagScheme? Scheme { get; set; }

    /// <summary>The layout of a CSV file.</summary>
    public CsvOptions Csv { get; set; } = new();

    /// <summary>
    /// The command-line option that sets <see cref="Format"/> (<c>--from</c>), named when the format cannot be told;
    /// null where the command has none, so no error points to an option that does not exist.
    /// </summary>
    public string? FormatOption { get; set; }
}

/// <summary>Reads any supported data file as a stream of <see cref="DataRecord"/>s.</summary>
public static class DatasetReader
{
    /// <summary>
    /// Streams the records of <paramref name="path"/>. Malformed records throw <see cref="DataFormatException"/>,
    /// or are reported in <paramref name="report"/> and skipped when one is given.
    /// </summary>
    /// <exception cref="LocusException">The format is unknown or cannot hold the requested task.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IAsyncEnumerable<DataRecord> ReadAsync(string path, DatasetReadOptions? options = null, ValidationReport? report = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new DatasetReadOptions();
        if (!File.Exists(path)) throw new FileNotFoundException($"Input file not found: {path}", path);
        var format = DataFormats.Resolve(path, options.Format, options.FormatOption);
        if (format.ImpliedTask() is { } implied && options.Task is { } wanted && wanted != implied)
            throw new LocusException($"{format.ToName()} files hold {implied.ToName()} data, but the task is {wanted.ToName()}.");
        return format switch
        {
            DataFormat.Jsonl => JsonlReader.ReadFileAsync(path, options.Task, report, cancellationToken),
            DataFormat.Conll => ConllReader.ReadFileAsync(path, options.Scheme, report, cancellationToken),
            DataFormat.Csv => CsvClassificationReader.ReadFileAsync(path, options.Csv, report, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(options)),
        };
    }

    /// <summary>The task of a file: given, implied by its format, or that of its first readable JSONL record.</summary>
    public static async Task<DataTask?> DetectTaskAsync(string path, DatasetReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new DatasetReadOptions();
        if (options.Task is { } task) return task;
        var format = DataFormats.Resolve(path, options.Format, options.FormatOption);
        if (format.ImpliedTask() is { } implied) return implied;
        await foreach (var record in ReadAsync(path, options, new ValidationReport(), cancellationToken)) return record.Example.Task;
        return null;
    }
}
