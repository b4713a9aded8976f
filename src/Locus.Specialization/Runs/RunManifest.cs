using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Locus.Data;

namespace Locus.Specialization.Runs;

/// <summary>
/// The record of one run, kept in <c>run.json</c> in the run's folder and rewritten atomically at every change, so
/// it always describes the run as far as it got: settings, hashed inputs, stages, metrics, artefacts, software.
/// </summary>
public sealed class RunManifest : IVersionedJson
{
    /// <summary>The layout, <see cref="RunManifestJson.ManifestFormat"/>; null when read from a file written before it.</summary>
    [JsonPropertyOrder(-1)]
    public string? Format { get; set; }

    /// <summary>A unique id (32 hex digits), different for every run even across machines.</summary>
    public required string Id { get; set; }

    /// <summary>The run's name; its versions live side by side under <c>ROOT/NAME/vN</c>.</summary>
    public required string Name { get; set; }

    /// <summary>The version number under <see cref="Name"/>, from 1.</summary>
    public required int Version { get; set; }

    /// <summary>Where the run stands.</summary>
    public RunStatus Status { get; set; }

    /// <summary>What the run builds: an NER or a text-classification model.</summary>
    public DataTask Task { get; set; }

    /// <summary>When the run was created, UTC.</summary>
    public DateTime CreatedUtc { get; set; }

    /// <summary>When it completed, failed or was interrupted, UTC; null while running.</summary>
    public DateTime? FinishedUtc { get; set; }

    /// <summary>
    /// The process that created or last resumed the run; a running version whose owner is gone reads as
    /// <see cref="RunStatus.Interrupted"/> (see <see cref="RunStore.LoadAsync"/>). Null in manifests of older versions.
    /// </summary>
    public RunOwner? Owner { get; set; }

    /// <summary>When the run was picked up again after an interruption or a crash, UTC, oldest first.</summary>
    public List<DateTime> ResumedUtc { get; set; } = [];

    /// <summary>Every setting of the run, as the pipeline fills it (model, LoRA rank, learning rate, seeds, ...).</summary>
    public JsonObject Settings { get; set; } = [];

    /// <summary>The run's input files and folders with their hashes and sizes.</summary>
    public List<RunFile> Inputs { get; set; } = [];

    /// <summary>The stages in the order they first started.</summary>
    public List<RunStage> Stages { get; set; } = [];

    /// <summary>Scores by split, e.g. <c>{"dev": {"f1": 0.81}, "test": {"f1": 0.79}}</c>.</summary>
    public JsonObject Metrics { get; set; } = [];

    /// <summary>
    /// The metric that ranks runs, as a dotted path into <see cref="Metrics"/> (e.g. <c>dev.micro.f1</c>); null lets
    /// <see cref="RunMetrics.KeyMetric(RunManifest)"/> pick the first of the usual ones present.
    /// </summary>
    public string? KeyMetric { get; set; }

    /// <summary>Named durations in seconds (<c>total_seconds</c> is set when the run finishes).</summary>
    public SortedDictionary<string, double> Timings
    {
        get => _timings;
        // Deserialisation hands over a dictionary with the culture's comparer: keep the order ordinal.
        set => _timings = new SortedDictionary<string, double>(value, StringComparer.Ordinal);
    }

    private SortedDictionary<string, double> _timings = new(StringComparer.Ordinal);

    /// <summary>The software and machine the run was created on.</summary>
    public required RunEnvironment Versions { get; set; }

    /// <summary>What the run produced, by kind: <c>adapter</c>, <c>merged_model</c>, <c>metrics</c>, ...</summary>
    public SortedDictionary<string, RunFile> Artefacts
    {
        get => _artefacts;
        // Deserialisation hands over a dictionary with the culture's comparer: keep the order ordinal.
        set => _artefacts = new SortedDictionary<string, RunFile>(value, StringComparer.Ordinal);
    }

    private SortedDictionary<string, RunFile> _artefacts = new(StringComparer.Ordinal);

    /// <summary>Free-form notes (what was tried, why).</summary>
    public string? Notes { get; set; }

    /// <summary>Why the run failed or was interrupted; null otherwise.</summary>
    public string? Error { get; set; }

    /// <summary>The stage with this name, or null.</summary>
    public RunStage? FindStage(string name) => Stages.Find(s => s.Name == name);
}
