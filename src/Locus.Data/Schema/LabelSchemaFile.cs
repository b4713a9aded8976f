using System.Text.Encodings.Web;
using System.Text.Json;

namespace Locus.Data;

/// <summary>
/// Reads and writes label schema files. Each label is an object <c>{"name", "description"?}</c>; a plain string
/// is accepted as a label without description.
/// </summary>
public static class LabelSchemaFile
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Loads a schema file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">The file is not a valid schema; the message names the field.</exception>
    public static async Task<LabelSchema> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Label schema file not found: {path}", path);
        var json = await File.ReadAllTextAsync(path, cancellationToken);
        return Parse(json, path);
    }

    /// <summary>Parses schema JSON; <paramref name="source"/> names it in error messages.</summary>
    public static LabelSchema Parse(string json, string source)
    {
        DataFormatException Fail(string? field, string problem, int line = 0) => new(source, line, field, problem);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw Fail(null, $"malformed JSON at character {e.BytePositionInLine + 1}", (int)(e.LineNumber ?? -1) + 1);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Fail(null, "expected a JSON object with 'task' and 'labels'");
            if (!root.TryGetProperty("task", out var taskElement)) throw Fail("task", "missing (ner or classification)");
            var task = DataTasks.TryParse(taskElement.ValueKind == JsonValueKind.String ? taskElement.GetString() : null)
                ?? throw Fail("task", $"must be \"ner\" or \"classification\", found {taskElement.GetRawText()}");
            if (!root.TryGetProperty("labels", out var labelsElement)) throw Fail("labels", "missing");
            if (labelsElement.ValueKind != JsonValueKind.Array) throw Fail("labels", "must be an array");

            var labels = new List<LabelDefinition>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in labelsElement.EnumerateArray())
            {
                var field = $"labels[{labels.Count}]";
                var label = ParseLabel(item, field, Fail);
                if (!seen.Add(label.Name)) throw Fail(field, $"label '{label.Name}' is listed twice");
                labels.Add(label);
            }
            // A schema without labels would accept no example (or, for some readers, every one): say so at once.
            if (labels.Count == 0) throw Fail("labels", "the schema lists no labels; give at least one");
            return new LabelSchema(task, labels);
        }
    }

    private static LabelDefinition ParseLabel(JsonElement item, string field, Func<string?, string, int, DataFormatException> fail)
    {
        if (item.ValueKind == JsonValueKind.String) return new LabelDefinition(RequireName(item.GetString(), field, fail));
        if (item.ValueKind != JsonValueKind.Object) throw fail(field, "must be an object {\"name\", \"description\"} or a string", 0);
        if (!item.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String) throw fail(field + ".name", "missing or not a string", 0);
        string? description = null;
        if (item.TryGetProperty("description", out var descriptionElement) && descriptionElement.ValueKind != JsonValueKind.Null)
        {
            if (descriptionElement.ValueKind != JsonValueKind.String) throw fail(field + ".description", "must be a string", 0);
            description = descriptionElement.GetString();
        }
        return new LabelDefinition(RequireName(name.GetString(), field + ".name", fail), description);
    }

    private static string RequireName(string? name, string field, Func<string?, string, int, DataFormatException> fail) =>
        string.IsNullOrWhiteSpace(name) ? throw fail(field, "a label name may not be empty", 0) : name;

    /// <summary>Writes the schema as indented JSON, atomically.</summary>
    public static Task SaveAsync(LabelSchema schema, string path, CancellationToken cancellationToken = default) =>
        AtomicFile.WriteAsync(path, writer => writer.WriteAsync(ToJson(schema).AsMemory(), cancellationToken), cancellationToken);

    /// <summary>The schema as indented JSON text (descriptions only where set).</summary>
    public static string ToJson(LabelSchema schema)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("task", schema.Task.ToName());
            json.WriteStartArray("labels");
            foreach (var label in schema.Labels)
            {
                json.WriteStartObject();
                json.WriteString("name", label.Name);
                if (label.Description is not null) json.WriteString("description", label.Description);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return AtomicFile.Utf8.GetString(stream.ToArray()) + "\n";
    }
}
