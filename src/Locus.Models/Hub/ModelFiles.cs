using System.Text.Json;

namespace Locus.Models.Hub;

/// <summary>
/// The files that make a model folder in Hugging Face layout: config.json, the weights (one
/// model.safetensors, or shards listed by model.safetensors.index.json) and whichever tokenizer files exist.
/// </summary>
public static class ModelFiles
{
    /// <summary>The model configuration; required.</summary>
    public const string Config = "config.json";

    /// <summary>Unsharded weights.</summary>
    public const string Weights = "model.safetensors";

    /// <summary>Index of sharded weights: its <c>weight_map</c> names the shard of every tensor.</summary>
    public const string WeightsIndex = "model.safetensors.index.json";

    /// <summary>Tokenizer files fetched when the repository has them; each is optional.</summary>
    public static IReadOnlyList<string> TokenizerFiles { get; } =
        ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt", "spm.model", "added_tokens.json"];

    /// <summary>
    /// The distinct shard files named by a weights index, in first-seen order. Throws
    /// <see cref="DataFormatException"/> when the index is malformed or names a path outside its folder.
    /// </summary>
    public static IReadOnlyList<string> ReadShardNames(string indexPath)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(indexPath));
        }
        catch (JsonException e)
        {
            throw new DataFormatException(indexPath, (int)(e.LineNumber ?? -1) + 1, null, $"not valid JSON: {e.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new DataFormatException(indexPath, 0, "weight_map", "missing, or not an object mapping tensor names to shard files");
            var shards = new List<string>();
            foreach (var entry in map.EnumerateObject())
            {
                var shard = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : "";
                if (!IsPlainRelativePath(shard))
                    throw new DataFormatException(indexPath, 0, "weight_map", $"tensor '{entry.Name}' names the shard '{shard}', which is not a file name inside the model folder");
                if (!shards.Contains(shard)) shards.Add(shard);
            }
            if (shards.Count == 0) throw new DataFormatException(indexPath, 0, "weight_map", "names no shard");
            return shards;
        }
    }

    /// <summary>
    /// Checks that a local folder holds a loadable model and lists the model files in it (repository names,
    /// '/'-separated). Throws <see cref="LocusException"/> naming what is missing.
    /// </summary>
    public static IReadOnlyList<string> DescribeFolder(string folder)
    {
        var present = new List<string>();
        Require(folder, Config, present);
        if (File.Exists(Path.Combine(folder, Weights)))
        {
            present.Add(Weights);
        }
        else if (File.Exists(Path.Combine(folder, WeightsIndex)))
        {
            present.Add(WeightsIndex);
            foreach (var shard in ReadShardNames(Path.Combine(folder, WeightsIndex))) Require(folder, shard, present);
        }
        else
        {
            throw new LocusException($"The model folder {folder} holds neither {Weights} nor {WeightsIndex}: a model needs safetensors weights.");
        }
        present.AddRange(TokenizerFiles.Where(name => File.Exists(Path.Combine(folder, name))));
        return present;
    }

    /// <summary>True for a relative '/'-separated path with no empty, '.' or '..' part.</summary>
    internal static bool IsPlainRelativePath(string path) =>
        path.Length > 0 && !path.Contains('\\') && !Path.IsPathRooted(path)
        && path.Split('/').All(part => part is not ("" or "." or ".."));

    private static void Require(string folder, string name, List<string> present)
    {
        if (!File.Exists(Path.Combine(folder, name)))
            throw new LocusException($"The model folder {folder} has no {name}; a model folder holds config.json, model.safetensors (or a sharded set with its index) and the tokenizer files.");
        present.Add(name);
    }
}
