using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Locus.Synthesis;

/// <summary>Helpers shared by the task formats for writing prompt JSON and reading generated items.</summary>
internal static class OutputJson
{
    // Relaxed escaping keeps non-ASCII text readable in the prompt instead of \uXXXX escapes.
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(JsonNode node) => node.ToJsonString(Compact);

    /// <summary>The schema <c>{"examples": [item]}</c> wrapped around an item schema.</summary>
    public static JsonElement ExamplesSchema(JsonObject itemSchema) => JsonSerializer.SerializeToElement(new JsonObject
    {
        ["type"] = "object",
        ["properties"] = new JsonObject { ["examples"] = new JsonObject { ["type"] = "array", ["items"] = itemSchema } },
        ["required"] = new JsonArray("examples"),
    });

    /// <summary>A string property of an object, or null with the problem.</summary>
    public static string? RequireString(JsonElement item, string name, out string? problem)
    {
        problem = null;
        if (item.ValueKind != JsonValueKind.Object) problem = "not a JSON object";
        else if (!item.TryGetProperty(name, out var value)) problem = $"missing \"{name}\"";
        else if (value.ValueKind != JsonValueKind.String) problem = $"\"{name}\" is not a string";
        else if (string.IsNullOrWhiteSpace(value.GetString())) problem = $"\"{name}\" is empty";
        else return value.GetString();
        return null;
    }

    /// <summary>A JSON array of label-name strings for enum constraints.</summary>
    public static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
