using System.Text.Json.Nodes;
using Locus.Data;
using Locus.Specialization.Runs;
using Locus.Training.FineTuning;

namespace Locus.Serving.Models;

/// <summary>A model the server answers for: its name, task, labels, where it came from, and the backend that computes it.</summary>
public sealed class ServedModel
{
    /// <summary>Describes a loaded model.</summary>
    public ServedModel(string name, TrainedModelManifest manifest, string modelFolder, string? run, JsonObject? metrics, IPredictionBackend backend,
        MetricValue? keyMetric = null)
    {
        KeyMetric = keyMetric;
        Name = name;
        Manifest = manifest;
        ModelFolder = modelFolder;
        Run = run;
        Metrics = metrics;
        Backend = backend;
        IsNer = manifest.Task == DataTask.Ner.ToName();
        Labels = IsNer ? Locus.Training.Tasks.BioLabelMap.FromId2Label(manifest.Labels).EntityTypes : manifest.Labels;
    }

    /// <summary>The name in URLs (<c>/v1/models/{name}/predict</c>).</summary>
    public string Name { get; }

    /// <summary>The model's manifest (task, labels, windows, base).</summary>
    public TrainedModelManifest Manifest { get; }

    /// <summary>The model folder it was loaded from.</summary>
    public string ModelFolder { get; }

    /// <summary>The run version it belongs to (<c>NAME/vN</c>), or null for a plain model folder.</summary>
    public string? Run { get; }

    /// <summary>The run's key metric (what <c>locus runs list</c> ranks by), or null.</summary>
    public MetricValue? KeyMetric { get; }

    /// <summary>The run's recorded metrics, or null.</summary>
    public JsonObject? Metrics { get; }

    /// <summary>Where its predictions are computed (shared with the other adapters of its base).</summary>
    public IPredictionBackend Backend { get; }

    /// <summary>Whether it finds entities (else it classifies texts).</summary>
    public bool IsNer { get; }

    /// <summary>Entity types (NER) or class labels (classification).</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>"ner" or "classification".</summary>
    public string Task => Manifest.Task;
}
