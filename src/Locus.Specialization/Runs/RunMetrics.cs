namespace Locus.Specialization.Runs;

/// <summary>A named score of a run.</summary>
/// <param name="Path">The dotted path into <see cref="RunManifest.Metrics"/>, e.g. <c>test.micro.f1</c>.</param>
/// <param name="Value">The score.</param>
public sealed record MetricValue(string Path, double Value);

/// <summary>Picks the score that ranks a run in listings.</summary>
public static class RunMetrics
{
    /// <summary>
    /// The paths tried, in order, when a manifest names no key metric: test before dev, and entity F1 (flat or as the
    /// micro average of an entity report) before accuracy and macro-F1.
    /// </summary>
    public static IReadOnlyList<string> DefaultKeyMetrics { get; } =
    [
        "test.f1", "test.micro.f1", "test.accuracy", "test.macro.f1",
        "dev.f1", "dev.micro.f1", "dev.accuracy", "dev.macro.f1",
    ];

    /// <summary>
    /// The manifest's <see cref="RunManifest.KeyMetric"/> when set and numeric, else the first of
    /// <see cref="DefaultKeyMetrics"/> present; null when none is.
    /// </summary>
    public static MetricValue? KeyMetric(RunManifest manifest)
    {
        var numbers = JsonPaths.Numbers(manifest.Metrics);
        IEnumerable<string> candidates = manifest.KeyMetric is { } chosen ? [chosen, .. DefaultKeyMetrics] : DefaultKeyMetrics;
        foreach (var path in candidates)
            if (numbers.TryGetValue(path, out var value)) return new MetricValue(path, value);
        return null;
    }
}
