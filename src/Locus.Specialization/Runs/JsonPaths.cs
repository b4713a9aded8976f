using System.Text.Json;
using System.Text.Json.Nodes;

namespace Locus.Specialization.Runs;

/// <summary>Flattens JSON to leaf paths (<c>lora.rank</c>, <c>seeds[0]</c>) so settings and metrics can be compared.</summary>
public static class JsonPaths
{
    /// <summary>
    /// Every leaf value under <paramref name="node"/> by path, in ordinal path order. Empty objects and arrays count
    /// as leaves so that adding one still shows as a difference.
    /// </summary>
    public static SortedDictionary<string, JsonNode?> Flatten(JsonNode? node)
    {
        var leaves = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        Walk(node, "", leaves);
        return leaves;
    }

    /// <summary>The leaves that are numbers, as doubles.</summary>
    public static SortedDictionary<string, double> Numbers(JsonNode? node)
    {
        var numbers = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (path, leaf) in Flatten(node))
            if (leaf is JsonValue value && value.GetValueKind() == JsonValueKind.Number) numbers[path] = value.GetValue<double>();
        return numbers;
    }

    /// <summary>A leaf as compact JSON text (<c>null</c> for a JSON null).</summary>
    public static string Text(JsonNode? leaf) => leaf?.ToJsonString() ?? "null";

    private static void Walk(JsonNode? node, string path, SortedDictionary<string, JsonNode?> leaves)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count > 0:
                foreach (var (key, child) in obj) Walk(child, path.Length == 0 ? key : $"{path}.{key}", leaves);
                break;
            case JsonArray array when array.Count > 0:
                for (var i = 0; i < array.Count; i++) Walk(array[i], $"{path}[{i}]", leaves);
                break;
            default:
                if (path.Length > 0) leaves[path] = node;
                break;
        }
    }
}
