using System.Text.Json;
using System.Text.Json.Nodes;

namespace Locus.Models.Configuration;

/// <summary>
/// Typed access to a Hugging Face <c>config.json</c>. Every error names the file and the key, so a user who
/// points Locus at an unsupported checkpoint learns which setting is the problem.
/// </summary>
public sealed class ConfigJson
{
    readonly JsonObject root;

    /// <summary>Wraps a parsed JSON object; <paramref name="source"/> is used in error messages.</summary>
    public ConfigJson(JsonObject root, string source)
    {
        this.root = root;
        Source = source;
    }

    /// <summary>The file (or description) the configuration came from.</summary>
    public string Source { get; }

    /// <summary>The underlying JSON, for keys that a config class passes through unchanged.</summary>
    public JsonObject Root => root;

    /// <summary>Reads <c>config.json</c> from a model folder or a file path.</summary>
    public static ConfigJson Load(string folderOrFile)
    {
        var path = Directory.Exists(folderOrFile) ? Path.Combine(folderOrFile, "config.json") : folderOrFile;
        if (!File.Exists(path)) throw new FileNotFoundException($"no config.json at '{path}'", path);
        JsonNode? node;
        try { node = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new DataFormatException(path, (int)(e.LineNumber ?? -1) + 1, null, $"not valid JSON: {e.Message}"); }
        return node is JsonObject obj ? new ConfigJson(obj, path) : throw new DataFormatException(path, 0, null, "expected a JSON object");
    }

    /// <summary>An error about one key.</summary>
    public LocusException Error(string key, string problem) => new DataFormatException(Source, 0, key, problem);

    /// <summary>Whether the key is present and not null.</summary>
    public bool Has(string key) => root[key] is not null;

    /// <summary>A required integer.</summary>
    public int Int(string key) => Has(key) ? Int(key, 0) : throw Error(key, "required but missing");

    // Deserialize<double> reads both parsed nodes and in-memory ones (e.g. a ToJson() result holding an int), where GetValue<double> throws.
    /// <summary>An optional integer.</summary>
    public int Int(string key, int fallback) => Get(key, fallback, JsonValueKind.Number, n => n.Deserialize<double>() is var d && d == Math.Floor(d) ? (int)d : throw Error(key, $"expected an integer, got {d}"));

    /// <summary>An optional floating-point number.</summary>
    public double Double(string key, double fallback) => Get(key, fallback, JsonValueKind.Number, n => n.Deserialize<double>());

    /// <summary>An optional Boolean.</summary>
    public bool Bool(string key, bool fallback)
    {
        var node = root[key];
        if (node is null) return fallback;
        return node.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(key, $"expected true or false, got {node.ToJsonString()}"),
        };
    }

    /// <summary>An optional string.</summary>
    public string? String(string key, string? fallback = null) => Get(key, fallback, JsonValueKind.String, n => n.GetValue<string>());

    /// <summary>A string that must be one of <paramref name="supported"/>; anything else is an error naming the key.</summary>
    public string Choice(string key, string fallback, params string[] supported)
    {
        var value = String(key, fallback) ?? fallback;
        return supported.Contains(value, StringComparer.Ordinal)
            ? value
            : throw Error(key, $"value '{value}' is not supported (supported: {string.Join(", ", supported)})");
    }

    /// <summary>A list of strings, also accepting HF's "a|b" string form.</summary>
    public IReadOnlyList<string> StringList(string key, IReadOnlyList<string> fallback)
    {
        var node = root[key];
        if (node is null) return fallback;
        return node.GetValueKind() switch
        {
            JsonValueKind.String => node.GetValue<string>().Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            JsonValueKind.Array => node.AsArray().Select(e => e?.GetValue<string>() ?? throw Error(key, "null in list")).ToList(),
            _ => throw Error(key, $"expected a list of strings, got {node.ToJsonString()}"),
        };
    }

    /// <summary>The id2label map (keys are stringified integers in HF configs), ordered by id.</summary>
    public IReadOnlyList<string>? Labels()
    {
        if (root["id2label"] is not JsonObject map) return null;
        var labels = new SortedDictionary<int, string>();
        foreach (var (k, v) in map)
        {
            if (!int.TryParse(k, out var id)) throw Error("id2label", $"key '{k}' is not an integer");
            labels[id] = v?.GetValue<string>() ?? throw Error("id2label", $"label {k} is null");
        }
        if (labels.Keys.Select((id, i) => id == i).Any(ok => !ok)) throw Error("id2label", "ids must be 0..n-1");
        return labels.Values.ToList();
    }

    T Get<T>(string key, T fallback, JsonValueKind kind, Func<JsonNode, T> read)
    {
        var node = root[key];
        if (node is null) return fallback;
        if (node.GetValueKind() != kind) throw Error(key, $"expected a {kind.ToString().ToLowerInvariant()}, got {node.ToJsonString()}");
        return read(node);
    }
}
