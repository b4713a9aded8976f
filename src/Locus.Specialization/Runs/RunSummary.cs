namespace Locus.Specialization.Runs;

/// <summary>One version in a listing: its manifest when readable, or what is wrong with it.</summary>
/// <param name="Run">The version.</param>
/// <param name="Manifest">The manifest; null when it could not be read.</param>
/// <param name="Problem">What is wrong (file and field): the manifest when <paramref name="Manifest"/> is null, else the name's production pointer; null when nothing is.</param>
/// <param name="Promoted">True when this version is the promoted one of its name.</param>
public sealed record RunSummary(RunReference Run, RunManifest? Manifest, string? Problem, bool Promoted)
{
    /// <summary>The score that ranks the run, when it has one.</summary>
    public MetricValue? KeyMetric => Manifest is null ? null : RunMetrics.KeyMetric(Manifest);
}
