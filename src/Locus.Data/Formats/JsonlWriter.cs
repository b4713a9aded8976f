using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Locus.Data;

/// <summary>
/// Writes JSONL data sets in the layout <see cref="JsonlReader"/> reads: <c>id</c> (when set), <c>text</c>,
/// then <c>spans</c> or <c>label</c>/<c>labels</c>, then the pass-through properties. Offsets are written
/// as Unicode code points; non-ASCII text is written as is, not escaped.
/// </summary>
public static class JsonlWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the records to <paramref name="path"/> atomically; returns how many were written.</summary>
    public static async Task<int> WriteFileAsync(string path, IAsyncEnumerable<DataRecord> records, CancellationToken cancellationToken = default)
    {
        var count = 0;
        await AtomicFile.WriteAsync(path, async writer => count = await WriteAsync(writer, records, cancellationToken), cancellationToken);
        return count;
    }

    /// <summary>Writes one line per record; returns how many were written.</summary>
    public static async Task<int> WriteAsync(TextWriter writer, IAsyncEnumerable<DataRecord> records, CancellationToken cancellationToken = default)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var count = 0;
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            buffer.ResetWrittenCount();
            using (var json = new Utf8JsonWriter(buffer, Options)) WriteObject(json, record);
            await writer.WriteAsync(Encoding.UTF8.GetString(buffer.WrittenSpan).AsMemory(), cancellationToken);
            await writer.WriteAsync('\n');
            count++;
        }
        return count;
    }

    /// <summary>The JSONL line of one example, without the newline.</summary>
    public static string ToLine(Example example)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, Options)) WriteObject(json, new DataRecord(example, "(memory)", 1));
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteObject(Utf8JsonWriter json, DataRecord record)
    {
        var example = record.Example;
        json.WriteStartObject();
        if (example.Id is not null) json.WriteString(JsonlFields.Id, example.Id);
        json.WriteString(JsonlFields.Text, example.Text);
        switch (example)
        {
            case NerExample ner:
                WriteSpans(json, ner, record);
                break;
            case ClassificationExample { IsMultiLabel: true } multi:
                json.WriteStartArray(JsonlFields.Labels);
                foreach (var label in multi.Labels) json.WriteStringValue(label);
                json.WriteEndArray();
                break;
            case ClassificationExample single:
                json.WriteString(JsonlFields.Label, single.Label);
                break;
        }
        if (example.Extra is not null)
        {
            foreach (var (name, value) in example.Extra)
            {
                if (JsonlFields.IsKnown(name, example.Task))
                    throw new DataFormatException(record.Source, record.Line, name, "a pass-through property may not reuse a name the format defines");
                json.WritePropertyName(name);
                value.WriteTo(json);
            }
        }
        json.WriteEndObject();
    }

    private static void WriteSpans(Utf8JsonWriter json, NerExample example, DataRecord record)
    {
        var offsets = new CodePointOffsets(example.Text);
        json.WriteStartArray(JsonlFields.Spans);
        for (var i = 0; i < example.Spans.Count; i++)
        {
            var span = example.Spans[i];
            json.WriteStartObject();
            json.WriteNumber("start", ToCodePoint(offsets, span.Start, record, $"spans[{i}].start"));
            json.WriteNumber("end", ToCodePoint(offsets, span.End, record, $"spans[{i}].end"));
            json.WriteString(JsonlFields.Label, span.Label);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static int ToCodePoint(CodePointOffsets offsets, int utf16, DataRecord record, string field) =>
        offsets.ToCodePoint(utf16)
        ?? throw new DataFormatException(record.Source, record.Line, field, $"offset {utf16} falls inside a surrogate pair (half a character)");
}
