using System.Text.Json.Serialization;
using Locus.Atlas.Data;

namespace Locus.Atlas.Bench;

/// <summary>Reads and writes split files: <c>{"seeds": [BenchSplit, ...]}</c>.</summary>
public static class BenchSplitFile
{
    /// <summary>The layout; split files from before it have the same members and are read as they are.</summary>
    public static LocusFileFormat FileFormat { get; } = new("atlas-splits", 1);

    /// <summary>Reads and validates a split file against <paramref name="table"/>.</summary>
    public static IReadOnlyList<BenchSplit> Read(string path, EvaluationTable table)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"split file not found: {path}");
        var document = LocusJson.ReadFile<SplitDocument>(path, FileFormat);
        if (document.Seeds.Count == 0) throw new DataFormatException(path, 0, "seeds", "is empty");
        foreach (var split in document.Seeds) split.Validate(table, path);
        return document.Seeds;
    }

    /// <summary>Writes the splits atomically.</summary>
    public static void Write(string path, IReadOnlyList<BenchSplit> splits) =>
        LocusJson.WriteFile(path, new SplitDocument { Seeds = splits.ToList() }, FileFormat, LocusJson.Compact);

    private sealed class SplitDocument : IVersionedJson
    {
        [JsonPropertyOrder(-1)] public string? Format { get; set; }
        [JsonPropertyName("seeds")] public List<BenchSplit> Seeds { get; set; } = [];
    }
}
