using System.Text.Json.Nodes;
using Locus.Data;

namespace Locus.Specialization.Runs;

/// <summary>What a new run starts from: <see cref="RunStore.CreateAsync"/> gives it the next version under <see cref="Name"/>.</summary>
public sealed class RunRequest
{
    /// <summary>The run's name (see <see cref="RunNames"/>); versions accumulate under it.</summary>
    public required string Name { get; init; }

    /// <summary>What the run builds.</summary>
    public required DataTask Task { get; init; }

    /// <summary>Every setting of the run; copied into the manifest.</summary>
    public JsonObject Settings { get; init; } = [];

    /// <summary>Input files and folders (data, seeds, corpus); hashed when the run is created.</summary>
    public IReadOnlyList<string> Inputs { get; init; } = [];

    /// <summary>The metric that ranks runs (dotted path into the metrics), or null for the default choice.</summary>
    public string? KeyMetric { get; init; }

    /// <summary>Free-form notes.</summary>
    public string? Notes { get; init; }
}
