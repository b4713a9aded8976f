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

    /// <summary>
    /// The manifest's layout. Atlases always named theirs; <c>locus-atlas-1</c> ones predate the item-response prior
    /// and are refused.
    /// </summary>
    public static LocusFileFormat ManifestFormat { get; } = new("atlas", 2)
    {
        Legacy = LegacyLayout.Refuse, Remedy = "train the atlas again with 'locus atlas train'",
    };

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
            EncodingKind = atlas.Encoder.Kind,
            Config = atlas.Network.Config,
            Training = atlas.Training,
            Models = atlas.Models.Select(m => new AtlasManifestModel { Name = m.Name, Embedding = m.Embedding, EvaluationCount = m.EvaluationCount, MeanCost = m.MeanCost, Origin = m.Origin }).ToList(),
        };
        LocusJson.WriteFile(Path.Combine(directory, ManifestFile), manifest, ManifestFormat);
    }

    /// <summary>Reads an atlas folder.</summary>
    public static ModelAtlas Load(string directory)
    {
        var path = Path.Combine(directory, ManifestFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"no atlas at {directory} ({ManifestFile} not found)");
        var manifest = LocusJson.ReadFile<AtlasManifest>(path, ManifestFormat);
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

    private sealed class AtlasManifest : IVersionedJson
    {
        [JsonPropertyOrder(-1)] public string? Format { get; set; }
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
