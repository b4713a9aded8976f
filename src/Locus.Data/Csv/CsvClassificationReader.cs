using System.Runtime.CompilerServices;

namespace Locus.Data;

/// <summary>Imports text-classification examples from CSV (see <see cref="CsvOptions"/> for the layout).</summary>
public static class CsvClassificationReader
{
    /// <summary>Streams the examples of a CSV file.</summary>
    public static async IAsyncEnumerable<DataRecord> ReadFileAsync(string path, CsvOptions? options = null,
        ValidationReport? report = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = DataFiles.OpenText(path);
        await foreach (var record in ReadAsync(reader, path, options, report, cancellationToken)) yield return record;
    }

    /// <summary>
    /// Streams the examples of CSV text. Every row must have as many fields as the header (or the first row);
    /// a row that does not, or that cannot be parsed, throws <see cref="DataFormatException"/>, or, when
    /// <paramref name="report"/> is given, is reported there and skipped. A bad header always throws.
    /// </summary>
    public static async IAsyncEnumerable<DataRecord> ReadAsync(TextReader reader, string source, CsvOptions? options = null,
        ValidationReport? report = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new CsvOptions();
        int? width = null;
        (int Text, int Label) columns = default;
        foreach (var row in new CsvParser(reader, options.Delimiter).ReadRows())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (width is null)
            {
                if (row.Problem is not null) throw new DataFormatException(source, row.Line, null, row.Problem);
                width = row.Fields.Count;
                columns = CsvColumns.Resolve(options, options.HasHeader ? row.Fields : null, source);
                var needed = Math.Max(columns.Text, columns.Label) + 1;
                if (needed > width) throw new DataFormatException(source, row.Line, null, $"column {needed - 1} was chosen but rows have {width} columns");
                if (options.HasHeader) continue;
            }
            if (row.Problem is not null)
            {
                RecordRejection.Reject(DataIssue.Error(source, row.Line, null, row.Problem), report);
                continue;
            }
            if (row.Fields.Count != width)
            {
                RecordRejection.Reject(DataIssue.Error(source, row.Line, null,
                    $"has {row.Fields.Count} fields, expected {width} (is a field with a comma or a line break missing its quotes?)"), report);
                continue;
            }
            yield return new DataRecord(ToExample(row.Fields[columns.Text], row.Fields[columns.Label], options.LabelSeparator), source, row.Line);
        }
        // The parser reads synchronously from the (buffered) reader; the signature matches the other readers.
        await Task.CompletedTask;
    }

    private static ClassificationExample ToExample(string text, string labelCell, string? separator) =>
        separator is null
            ? new ClassificationExample(text, labelCell)
            : new ClassificationExample(text, labelCell.Length == 0 ? [] : labelCell.Split(separator));
}
