using System.Text.Json;
using System.Text.Json.Serialization;
using Locus.Atlas.Encoding;
using Locus.Atlas.Model;

namespace Locus.Atlas;

/// <summary>
/// Atlas folder layout: <c>atlas.json</c> (manifest: format, config, encoding kind, model embeddings, training summary),
/// <c>network.bin</c> (TorchSharp weights) and <c>query-encoder.qenc</c>. Every file is written to a temporary name and
/// renamed; the manifest goes last, so a reader never sees a manifest pointing at half-written weights.
/// </summary>
public static class AtlasStore
{
    /// <summary>Manifest file name.</summary>
    public const string ManifestFile = "atlas.json";
    private const string WeightsFile = "network.bin";
    private const string EncoderFile = "query-encoder.qenc";
    private const string Format = "locus-atlas-2";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>Writes <paramref name="atlas"/> into <paramref name="directory"/> (created when missing).</summary>
    public static void Save(ModelAtlas atlas, string directory)
    {
        Directory.CreateDirectory(directory);
        var weights = Path.Combine(directory, WeightsFile);
        atlas.Network.save(weights + ".tmp");
        File.Move(weights + ".tmp", weights, overwrite: true);
        QueryEncoderStore.Save(atlas.Encoder, Path.Combine(directory, EncoderFile));
        var manifest = new AtlasManifest
        {
            Format = Format,
            EncodingKind = atlas.Encoder.Kind,
            Config = atlas.Network.Config,
            Training = atlas.Training,
            Models = atlas.Models.Select(m => new AtlasManifestModel { Name = m.Name, Embedding = m.Embedding, EvaluationCount = m.EvaluationCount, MeanCost = m.MeanCost, Origin = m.Origin }).ToList(),
        };
        var path = Path.Combine(directory, ManifestFile);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(manifest, Json));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>Reads an atlas folder.</summary>
    public static ModelAtlas Load(string directory)
    {
        var path = Path.Combine(directory, ManifestFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"no atlas at {directory} ({ManifestFile} not found)");
        AtlasManifest manifest;
        try { manifest = JsonSerializer.Deserialize<AtlasManifest>(File.ReadAllText(path)) ?? throw new DataFormatException(path, 0, null, "empty manifest"); }
        catch (JsonException e) { throw new DataFormatException(path, (int)(e.LineNumber ?? -1) + 1, e.Path, $"invalid manifest ({e.Message})"); }
        if (manifest.Format == "locus-atlas-1")
            throw new DataFormatException(path, 0, "format", "'locus-atlas-1' atlases predate the item-response prior; train it again with 'locus atlas train'");
        if (manifest.Format != Format) throw new DataFormatException(path, 0, "format", $"'{manifest.Format}' is not '{Format}'");
        var config = manifest.Config ?? throw new DataFormatException(path, 0, "config", "is missing");
        var encoder = QueryEncoderStore.Load(Path.Combine(directory, EncoderFile));
        if (encoder.Kind != manifest.EncodingKind)
            throw new DataFormatException(path, 0, "encoding_kind", $"the manifest says '{manifest.EncodingKind}' but the stored encoder is '{encoder.Kind}'");
        var network = new LocusNetwork(config);
        network.load(Path.Combine(directory, WeightsFile));
        var atlas = new ModelAtlas(network, encoder, manifest.Training);
        foreach (var m in manifest.Models)
            atlas.Put(new AtlasModelEntry(m.Name, m.Embedding, m.EvaluationCount, m.MeanCost, m.Origin));
        return atlas;
    }

    private sealed class AtlasManifest
    {
        [JsonPropertyName("format")] public string Format { get; set; } = "";
        [JsonPropertyName("encoding_kind")] public string EncodingKind { get; set; } = "";
        [JsonPropertyName("config")] public LocusConfig? Config { get; set; }
        [JsonPropertyName("training")] public AtlasTrainingSummary? Training { get; set; }
        [JsonPropertyName("models")] public List<AtlasManifestModel> Models { get; set; } = [];
    }

    private sealed class AtlasManifestModel
    {
        [JsonPropertyName("name")] public string Name { get; set; } = "";
        [JsonPropertyName("embedding")] public float[] Embedding { get; set; } = [];
        [JsonPropertyName("evaluations")] public int EvaluationCount { get; set; }
        [JsonPropertyName("mean_cost")] public double? MeanCost { get; set; }
        [JsonPropertyName("origin")] public string Origin { get; set; } = "added";
    }
}
