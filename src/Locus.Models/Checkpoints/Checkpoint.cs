using System.Text.Json;
using Locus.Models.Safetensors;
using static TorchSharp.torch;

namespace Locus.Models.Checkpoints;

/// <summary>
/// The weights of a Hugging Face model folder: a single <c>model.safetensors</c>, or the shards named by
/// <c>model.safetensors.index.json</c> (its <c>weight_map</c> says which shard holds each tensor).
/// </summary>
public sealed class Checkpoint : IDisposable
{
    /// <summary>File name of a single-file checkpoint.</summary>
    public const string WeightsFile = "model.safetensors";

    /// <summary>File name of the index of a sharded checkpoint.</summary>
    public const string IndexFile = "model.safetensors.index.json";

    readonly Dictionary<string, SafetensorsFile> owner;
    readonly List<SafetensorsFile> files;

    Checkpoint(List<SafetensorsFile> files, Dictionary<string, SafetensorsFile> owner)
    {
        this.files = files;
        this.owner = owner;
    }

    /// <summary>Every tensor name in the checkpoint.</summary>
    public IReadOnlyCollection<string> Keys => owner.Keys;

    /// <summary>Whether the checkpoint holds <paramref name="key"/>.</summary>
    public bool Contains(string key) => owner.ContainsKey(key);

    /// <summary>The header entry of a tensor (dtype, shape).</summary>
    public SafetensorsEntry Entry(string key) => owner[key].Entries[key];

    /// <summary>Reads one tensor, optionally converted to <paramref name="dtype"/>.</summary>
    public Tensor Read(string key, ScalarType? dtype = null) => owner[key].Read(key, dtype);

    /// <summary>Opens a model folder (or a single .safetensors file).</summary>
    public static Checkpoint Open(string path)
    {
        if (File.Exists(path)) return FromFiles([path]);
        if (!Directory.Exists(path)) throw new DirectoryNotFoundException($"model folder '{path}' does not exist");

        var single = Path.Combine(path, WeightsFile);
        if (File.Exists(single)) return FromFiles([single]);

        var index = Path.Combine(path, IndexFile);
        if (File.Exists(index)) return FromIndex(index);

        throw new LocusException($"{path}: no {WeightsFile} or {IndexFile} (only safetensors checkpoints are supported; " +
                                 "convert a pytorch_model.bin with Python: model.save_pretrained(folder, safe_serialization=True))");
    }

    static Checkpoint FromIndex(string indexPath)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(indexPath));
        if (!doc.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            throw new DataFormatException(indexPath, 0, "weight_map", "missing or not an object");

        var folder = Path.GetDirectoryName(indexPath)!;
        var shards = map.EnumerateObject().Select(p => p.Value.GetString()!).Distinct().ToList();
        var checkpoint = FromFiles(shards.Select(s => Path.Combine(folder, s)).ToList());
        foreach (var entry in map.EnumerateObject())
        {
            if (!checkpoint.owner.TryGetValue(entry.Name, out var file) || Path.GetFileName(file.Path) != entry.Value.GetString())
            {
                checkpoint.Dispose();
                throw new DataFormatException(indexPath, 0, "weight_map", $"'{entry.Name}' is mapped to {entry.Value.GetString()}, which does not hold it");
            }
        }
        return checkpoint;
    }

    static Checkpoint FromFiles(IReadOnlyList<string> paths)
    {
        var files = new List<SafetensorsFile>();
        var owner = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        try
        {
            foreach (var path in paths)
            {
                if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint shard '{path}' does not exist", path);
                var file = SafetensorsFile.Open(path);
                files.Add(file);
                foreach (var key in file.Entries.Keys)
                {
                    if (!owner.TryAdd(key, file))
                        throw new DataFormatException(path, 0, key, $"tensor also stored in {owner[key].Path}");
                }
            }
            return new Checkpoint(files, owner);
        }
        catch
        {
            foreach (var f in files) f.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var f in files) f.Dispose();
    }
}
