using System.Text.Json;
using System.Text.Json.Serialization;
using Locus.Atlas.Data;

namespace Locus.Atlas.Bench;

/// <summary>Reads and writes split files: <c>{"seeds": [BenchSplit, ...]}</c>.</summary>
public static class BenchSplitFile
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>Reads and validates a split file against <paramref name="table"/>.</summary>
    public static IReadOnlyList<BenchSplit> Read(string path, EvaluationTable table)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"split file not found: {path}");
        SplitDocument document;
        try { document = JsonSerializer.Deserialize<SplitDocument>(File.ReadAllText(path)) ?? throw new DataFormatException(path, 0, null, "empty split file"); }
        catch (JsonException e) { throw new DataFormatException(path, (int)(e.LineNumber ?? -1) + 1, e.Path, $"invalid split file ({e.Message})"); }
        if (document.Seeds.Count == 0) throw new DataFormatException(path, 0, "seeds", "is empty");
        foreach (var split in document.Seeds) split.Validate(table, path);
        return document.Seeds;
    }

    /// <summary>Writes the splits atomically.</summary>
    public static void Write(string path, IReadOnlyList<BenchSplit> splits)
    {
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(new SplitDocument { Seeds = splits.ToList() }, Json));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private sealed class SplitDocument
    {
        [JsonPropertyName("seeds")] public List<BenchSplit> Seeds { get; set; } = [];
    }
}
