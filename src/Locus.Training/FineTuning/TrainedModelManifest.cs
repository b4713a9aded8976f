using System.Text.Json.Serialization;

namespace Locus.Training.FineTuning;

/// <summary>
/// <c>locus_model.json</c>: what Locus needs beyond the Hugging Face files to use a fine-tuned model (task, label
/// order, thresholds, windowing, and for an adapter the base model it applies to).
/// </summary>
public sealed record TrainedModelManifest : IVersionedJson
{
    /// <summary>The file name inside a model folder.</summary>
    public const string FileName = "locus_model.json";

    /// <summary>The layout; files from before it have the same members and are read as they are.</summary>
    public static LocusFileFormat FileFormat { get; } = new("model", 1);

    /// <inheritdoc/>
    [JsonPropertyOrder(-1)]
    public string? Format { get; set; }

    /// <summary>"ner" or "classification".</summary>
    public required string Task { get; init; }

    /// <summary>LoRA adapter or full model.</summary>
    public required FineTuneMode Mode { get; init; }

    /// <summary>The head's labels in id order (BIO tags for NER).</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>Multi-label classification.</summary>
    public bool MultiLabel { get; init; }

    /// <summary>Per-label decision thresholds for multi-label classification.</summary>
    public IReadOnlyList<float>? Thresholds { get; init; }

    /// <summary>Tokens per window.</summary>
    public int MaxLength { get; init; }

    /// <summary>Tokens shared by consecutive windows.</summary>
    public int Stride { get; init; }

    /// <summary>Text classification: what the head reads (null: Hugging Face's pooler, as models written before this setting).</summary>
    public Locus.Models.Encoders.SequencePooling? Pooling { get; init; }

    /// <summary>For an adapter: the base model folder or hub id it was trained on.</summary>
    public string? BaseModel { get; init; }

    /// <summary>Writes the manifest into <paramref name="folder"/>.</summary>
    public void Save(string folder) => LocusJson.WriteFile(Path.Combine(folder, FileName), this, FileFormat);

    /// <summary>Reads the manifest of a model folder, with a clear error when the folder is not a Locus model.</summary>
    public static TrainedModelManifest Load(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"'{folder}' is not a model trained by locus train (no {FileName})", path);
        return LocusJson.ReadFile<TrainedModelManifest>(path, FileFormat);
    }
}
