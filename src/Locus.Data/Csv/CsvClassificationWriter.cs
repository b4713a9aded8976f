using System.Text;

namespace Locus.Data;

/// <summary>
/// Exports text-classification examples as RFC 4180 CSV: columns text then label, CRLF line breaks, fields
/// quoted only when they hold the delimiter, a quote or a line break.
/// </summary>
public static class CsvClassificationWriter
{
    /// <summary>Writes the records to <paramref name="path"/> atomically; returns how many rows were written.</summary>
    public static async Task<int> WriteFileAsync(string path, IAsyncEnumerable<DataRecord> records, CsvOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var count = 0;
        await AtomicFile.WriteAsync(path, async writer => count = await WriteAsync(writer, records, options, cancellationToken), cancellationToken);
        return count;
    }

    /// <summary>
    /// Writes a header (unless <see cref="CsvOptions.HasHeader"/> is false; column names from the options when they
    /// are names, else <c>text</c> and <c>label</c>) and one row per record; returns how many rows were written.
    /// </summary>
    public static async Task<int> WriteAsync(TextWriter writer, IAsyncEnumerable<DataRecord> records, CsvOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new CsvOptions();
        if (options.HasHeader)
            await WriteRowAsync(writer, HeaderName(options.TextColumn, "text"), HeaderName(options.LabelColumn, "label"), options.Delimiter);
        var count = 0;
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            if (record.Example is not ClassificationExample example)
                throw new DataFormatException(record.Source, record.Line, null, "CSV export holds classification examples only; this record is an NER example");
            await WriteRowAsync(writer, example.Text, LabelCell(example, options.LabelSeparator, record), options.Delimiter);
            count++;
        }
        return count;
    }

    /// <summary>One field as it appears in a CSV file: quoted (quotes doubled) only when it has to be.</summary>
    public static string Escape(string field, char delimiter = ',')
    {
        if (field.IndexOfAny([delimiter, '"', '\r', '\n']) < 0) return field;
        return new StringBuilder(field.Length + 2).Append('"').Append(field.Replace("\"", "\"\"")).Append('"').ToString();
    }

    private static async Task WriteRowAsync(TextWriter writer, string text, string label, char delimiter)
    {
        await writer.WriteAsync(Escape(text, delimiter));
        await writer.WriteAsync(delimiter);
        await writer.WriteAsync(Escape(label, delimiter));
        await writer.WriteAsync("\r\n");
    }

    private static string HeaderName(string? column, string fallback) =>
        column is null || int.TryParse(column, out _) ? fallback : column;

    private static string LabelCell(ClassificationExample example, string? separator, DataRecord record)
    {
        if (separator is null)
        {
            if (example.IsMultiLabel)
                throw new DataFormatException(record.Source, record.Line, "labels", "a multi-label example needs a label separator for CSV (--label-separator)");
            return example.Label;
        }
        var clash = example.Labels.FirstOrDefault(l => l.Contains(separator, StringComparison.Ordinal));
        if (clash is not null)
            throw new DataFormatException(record.Source, record.Line, "labels", $"label '{clash}' contains the label separator '{separator}'");
        return string.Join(separator, example.Labels);
    }
}
