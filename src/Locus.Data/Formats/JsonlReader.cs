using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Locus.Data;

/// <summary>
/// Reads JSONL data sets, one JSON object per line: NER <c>{"text", "spans": [{"start", "end", "label"}]}</c>
/// or classification <c>{"text", "label"}</c> / <c>{"text", "labels": [...]}</c>, with an optional <c>"id"</c>.
/// Offsets in the file are Unicode code points (as in Python) and become UTF-16 indices in memory.
/// Other properties are kept in <see cref="Example.Extra"/>. Blank lines are ignored.
/// </summary>
public static class JsonlReader
{
    /// <summary>Streams the records of a JSONL file; see <see cref="ReadAsync(TextReader, string, DataTask?, ValidationReport?, CancellationToken)"/>.</summary>
    public static async IAsyncEnumerable<DataRecord> ReadFileAsync(string path, DataTask? task = null,
        ValidationReport? report = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = DataFiles.OpenText(path);
        await foreach (var record in ReadAsync(reader, path, task, report, cancellationToken)) yield return record;
    }

    /// <summary>
    /// Streams the records of JSONL text. <paramref name="task"/> null: taken from the first record (it has
    /// <c>spans</c>, or <c>label</c>/<c>labels</c>). A malformed line throws <see cref="DataFormatException"/>,
    /// or, when <paramref name="report"/> is given, is reported there and skipped.
    /// </summary>
    public static async IAsyncEnumerable<DataRecord> ReadAsync(TextReader reader, string source, DataTask? task = null,
        ValidationReport? report = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            Example? example;
            try
            {
                example = Parse(line, source, lineNumber, ref task);
            }
            catch (DataFormatException e)
            {
                RecordRejection.Reject(DataIssue.From(e), report);
                continue;
            }
            yield return new DataRecord(example, source, lineNumber);
        }
    }

    /// <summary>Parses one JSONL line; fixes <paramref name="task"/> from it when still unknown.</summary>
    private static Example Parse(string line, string source, int lineNumber, ref DataTask? task)
    {
        DataFormatException Fail(string? field, string problem) => new(source, lineNumber, field, problem);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            var message = e.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0) message = message[..cut];
            throw Fail(null, $"malformed JSON at character {e.BytePositionInLine + 1}: {message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Fail(null, $"expected a JSON object, found {Describe(root.ValueKind)}");
            task ??= InferTask(root) ?? throw Fail(null, "cannot tell the task: the object has no 'spans' (NER) nor 'label'/'labels' (classification)");

            if (!root.TryGetProperty(JsonlFields.Text, out var textElement)) throw Fail("text", "missing");
            if (textElement.ValueKind != JsonValueKind.String) throw Fail("text", $"must be a string, found {Describe(textElement.ValueKind)}");
            var text = textElement.GetString()!;

            Example example = task == DataTask.Ner ? ParseNer(root, text, Fail) : ParseClassification(root, text, Fail);
            return example with { Id = ParseId(root, Fail), Extra = CollectExtra(root, task.Value) };
        }
    }

    private static DataTask? InferTask(JsonElement root)
    {
        if (root.TryGetProperty(JsonlFields.Spans, out _)) return DataTask.Ner;
        if (root.TryGetProperty(JsonlFields.Label, out _) || root.TryGetProperty(JsonlFields.Labels, out _)) return DataTask.Classification;
        return null;
    }

    private static NerExample ParseNer(JsonElement root, string text, Func<string?, string, DataFormatException> fail)
    {
        if (!root.TryGetProperty(JsonlFields.Spans, out var spansElement)) throw fail("spans", "missing (use [] for a text without entities)");
        if (spansElement.ValueKind != JsonValueKind.Array) throw fail("spans", $"must be an array, found {Describe(spansElement.ValueKind)}");
        var offsets = new CodePointOffsets(text);
        var spans = new List<EntitySpan>(spansElement.GetArrayLength());
        var index = 0;
        foreach (var spanElement in spansElement.EnumerateArray())
        {
            var field = $"spans[{index}]";
            if (spanElement.ValueKind != JsonValueKind.Object) throw fail(field, $"must be an object, found {Describe(spanElement.ValueKind)}");
            var start = ReadOffset(spanElement, "start", field, fail);
            var end = ReadOffset(spanElement, "end", field, fail);
            if (!spanElement.TryGetProperty(JsonlFields.Label, out var label)) throw fail(field + ".label", "missing");
            if (label.ValueKind != JsonValueKind.String) throw fail(field + ".label", $"must be a string, found {Describe(label.ValueKind)}");
            spans.Add(new EntitySpan(offsets.ToUtf16(start), offsets.ToUtf16(end), label.GetString()!));
            index++;
        }
        return new NerExample(text, spans);
    }

    private static int ReadOffset(JsonElement span, string name, string field, Func<string?, string, DataFormatException> fail)
    {
        if (!span.TryGetProperty(name, out var value)) throw fail($"{field}.{name}", "missing");
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var offset))
            throw fail($"{field}.{name}", $"must be an integer, found {value.GetRawText()}");
        return offset;
    }

    private static ClassificationExample ParseClassification(JsonElement root, string text, Func<string?, string, DataFormatException> fail)
    {
        var hasLabel = root.TryGetProperty(JsonlFields.Label, out var label);
        var hasLabels = root.TryGetProperty(JsonlFields.Labels, out var labels);
        if (hasLabel && hasLabels) throw fail("labels", "give either 'label' (one label) or 'labels' (multi-label), not both");
        if (hasLabel)
        {
            if (label.ValueKind != JsonValueKind.String) throw fail("label", $"must be a string, found {Describe(label.ValueKind)}");
            return new ClassificationExample(text, label.GetString()!);
        }
        if (!hasLabels) throw fail("label", "missing (give 'label', or 'labels' for multi-label)");
        if (labels.ValueKind != JsonValueKind.Array) throw fail("labels", $"must be an array of strings, found {Describe(labels.ValueKind)}");
        var list = new List<string>(labels.GetArrayLength());
        foreach (var item in labels.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) throw fail($"labels[{list.Count}]", $"must be a string, found {Describe(item.ValueKind)}");
            list.Add(item.GetString()!);
        }
        return new ClassificationExample(text, list);
    }

    private static string? ParseId(JsonElement root, Func<string?, string, DataFormatException> fail)
    {
        if (!root.TryGetProperty(JsonlFields.Id, out var id)) return null;
        return id.ValueKind switch
        {
            JsonValueKind.String => id.GetString(),
            // Numeric ids are common; they are kept as their literal text.
            JsonValueKind.Number => id.GetRawText(),
            _ => throw fail("id", $"must be a string or a number, found {Describe(id.ValueKind)}"),
        };
    }

    private static Dictionary<string, JsonElement>? CollectExtra(JsonElement root, DataTask task)
    {
        Dictionary<string, JsonElement>? extra = null;
        foreach (var property in root.EnumerateObject())
        {
            if (JsonlFields.IsKnown(property.Name, task)) continue;
            (extra ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal))[property.Name] = property.Value.Clone();
        }
        return extra;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };
}
