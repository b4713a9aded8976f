namespace Locus.Specialization.Runs;

/// <summary>Builds a <see cref="RunComparison"/> from manifests.</summary>
public static class RunComparer
{
    /// <summary>Compares runs; the first is the baseline for deltas.</summary>
    /// <exception cref="ArgumentException">Fewer than two runs were given.</exception>
    public static RunComparison Compare(IReadOnlyList<RunManifest> runs)
    {
        if (runs.Count < 2) throw new ArgumentException("a comparison needs at least two runs", nameof(runs));
        var compared = runs.Select(m => new ComparedRun(
            $"{m.Name}/{RunNames.VersionFolder(m.Version)}", m.Id, m.Status, m.Task, m.CreatedUtc,
            m.Timings.TryGetValue("total_seconds", out var total) ? total : null, RunMetrics.KeyMetric(m))).ToList();
        return new RunComparison(compared, CompareSettings(runs), CompareMetrics(runs), CompareStages(runs));
    }

    private static List<SettingDifference> CompareSettings(IReadOnlyList<RunManifest> runs)
    {
        var flat = runs.Select(m => JsonPaths.Flatten(m.Settings)).ToList();
        return flat.SelectMany(f => f.Keys).Distinct().Order(StringComparer.Ordinal)
            .Select(path => new SettingDifference(path, flat.Select(f => f.TryGetValue(path, out var leaf) ? JsonPaths.Text(leaf) : null).ToList()))
            .Where(d => d.Values.Distinct().Count() > 1)
            .ToList();
    }

    private static List<MetricComparison> CompareMetrics(IReadOnlyList<RunManifest> runs)
    {
        var numbers = runs.Select(m => JsonPaths.Numbers(m.Metrics)).ToList();
        return numbers.SelectMany(n => n.Keys).Distinct().Order(StringComparer.Ordinal)
            .Select(path =>
            {
                var values = numbers.Select(n => n.TryGetValue(path, out var v) ? v : (double?)null).ToList();
                return new MetricComparison(path, values, values.Select(v => v - values[0]).ToList());
            })
            .ToList();
    }

    private static List<StageComparison> CompareStages(IReadOnlyList<RunManifest> runs) =>
        runs.SelectMany(m => m.Stages.Select(s => s.Name)).Distinct()
            .Select(name =>
            {
                var stages = runs.Select(m => m.FindStage(name)).ToList();
                var counts = stages.SelectMany(s => s?.Counts.Keys ?? Enumerable.Empty<string>()).Distinct().Order(StringComparer.Ordinal)
                    .Select(count =>
                    {
                        var values = stages.Select(s => s is not null && s.Counts.TryGetValue(count, out var v) ? v : (long?)null).ToList();
                        return new CountComparison(count, values, values.Select(v => v - values[0]).ToList());
                    })
                    .ToList();
                return new StageComparison(name, stages.Select(s => s?.Status).ToList(), stages.Select(s => s?.DurationSeconds).ToList(), counts);
            })
            .ToList();
}
