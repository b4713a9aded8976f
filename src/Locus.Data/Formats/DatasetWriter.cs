namespace Locus.Data;

/// <summary>What <see cref="DatasetWriter"/> writes and how.</summary>
public sealed class DatasetWriteOptions
{
    /// <summary>The format; null: from the file extension.</summary>
    public DataFormat? Format { get; set; }

    /// <summary>Scheme and separator for CoNLL output.</summary>
    public ConllWriteOptions Conll { get; set; } = new();

    /// <summary>Layout of CSV output.</summary>
    public CsvOptions Csv { get; set; } = new();
}

/// <summary>Writes records to any supported format, atomically.</summary>
public static class DatasetWriter
{
    /// <summary>Writes <paramref name="records"/> to <paramref name="path"/>; returns how many were written.</summary>
    /// <exception cref="LocusException">The format is unknown.</exception>
    /// <exception cref="DataFormatException">A record cannot be expressed in the format (the message names its line).</exception>
    public static Task<int> WriteAsync(string path, IAsyncEnumerable<DataRecord> records, DatasetWriteOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new DatasetWriteOptions();
        return DataFormats.Resolve(path, options.Format, "--to") switch
        {
            DataFormat.Jsonl => JsonlWriter.WriteFileAsync(path, records, cancellationToken),
            DataFormat.Conll => ConllWriter.WriteFileAsync(path, records, options.Conll, cancellationToken),
            DataFormat.Csv => CsvClassificationWriter.WriteFileAsync(path, records, options.Csv, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(options)),
        };
    }
}
