using System.Text;
using Locus.Data;

namespace Locus.Specialization.Runs;

/// <summary>One run as it appears in a comparison.</summary>
/// <param name="Run">Its reference, <c>NAME/vN</c>.</param>
/// <param name="Id">Its unique id.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Task">What it builds.</param>
/// <param name="CreatedUtc">When it was created.</param>
/// <param name="TotalSeconds">Creation to finish, when it finished.</param>
/// <param name="KeyMetric">The score that ranks it, when it has one.</param>
public sealed record ComparedRun(string Run, string Id, RunStatus Status, DataTask Task, DateTime CreatedUtc, double? TotalSeconds, MetricValue? KeyMetric);

/// <summary>A setting whose value is not the same in every run.</summary>
/// <param name="Path">The flattened path, e.g. <c>lora.rank</c>.</param>
/// <param name="Values">The value in each run as compact JSON, null where the run does not set it.</param>
public sealed record SettingDifference(string Path, IReadOnlyList<string?> Values);

/// <summary>A numeric metric across the runs.</summary>
/// <param name="Path">The flattened path, e.g. <c>dev.f1</c>.</param>
/// <param name="Values">The value in each run, null where missing.</param>
/// <param name="Deltas">Each value minus the first run's (so the first is 0), null where either is missing.</param>
public sealed record MetricComparison(string Path, IReadOnlyList<double?> Values, IReadOnlyList<double?> Deltas);

/// <summary>A stage count across the runs.</summary>
/// <param name="Name">The count's name, e.g. <c>kept</c>.</param>
/// <param name="Values">The count in each run, null where missing.</param>
/// <param name="Deltas">Each count minus the first run's, null where either is missing.</param>
public sealed record CountComparison(string Name, IReadOnlyList<long?> Values, IReadOnlyList<long?> Deltas);

/// <summary>A stage across the runs.</summary>
/// <param name="Stage">The stage's name.</param>
/// <param name="Statuses">Its status in each run, null where the run has no such stage.</param>
/// <param name="DurationSeconds">Its duration in each run, null where unknown.</param>
/// <param name="Counts">Its counts, by name (ordinal).</param>
public sealed record StageComparison(string Stage, IReadOnlyList<StageStatus?> Statuses, IReadOnlyList<double?> DurationSeconds, IReadOnlyList<CountComparison> Counts);

/// <summary>Runs side by side: differing settings, metrics with deltas against the first run, stage counts and durations.</summary>
/// <param name="Runs">The runs, the first being the baseline for deltas.</param>
/// <param name="Settings">Settings that differ, by path (ordinal).</param>
/// <param name="Metrics">Every numeric metric in any run, by path (ordinal).</param>
/// <param name="Stages">Every stage in any run, in the order they first appear.</param>
public sealed record RunComparison(
    IReadOnlyList<ComparedRun> Runs,
    IReadOnlyList<SettingDifference> Settings,
    IReadOnlyList<MetricComparison> Metrics,
    IReadOnlyList<StageComparison> Stages)
{
    /// <summary>The comparison as plain-text tables, one column per run; deltas are against the first run.</summary>
    public string ToText()
    {
        var header = new[] { "" }.Concat(Runs.Select(r => r.Run)).ToArray();
        var text = new StringBuilder();

        var runs = new TextTable(header);
        runs.Add(["status", .. Runs.Select(r => r.Status.ToString().ToLowerInvariant())]);
        runs.Add(["task", .. Runs.Select(r => r.Task.ToName())]);
        runs.Add(["created", .. Runs.Select(r => TextTable.Utc(r.CreatedUtc))]);
        runs.Add(["total time", .. Runs.Select(r => r.TotalSeconds is { } s ? TextTable.Seconds(s) : "-")]);
        text.Append(runs);

        text.Append('\n').Append(Settings.Count == 0 ? "settings: identical\n" : "settings that differ:\n");
        if (Settings.Count > 0)
        {
            var settings = new TextTable(header);
            foreach (var setting in Settings) settings.Add([setting.Path, .. setting.Values.Select(v => v ?? "(unset)")]);
            text.Append(settings);
        }

        text.Append('\n').Append(Metrics.Count == 0 ? "metrics: none recorded\n" : $"metrics (delta against {Runs[0].Run}):\n");
        if (Metrics.Count > 0)
        {
            var metrics = new TextTable(header);
            foreach (var metric in Metrics) metrics.Add([metric.Path, .. metric.Values.Select((v, i) => Cell(v, metric.Deltas[i], i))]);
            text.Append(metrics);
        }

        text.Append('\n').Append(Stages.Count == 0 ? "stages: none recorded\n" : "stages:\n");
        if (Stages.Count > 0)
        {
            var stages = new TextTable(header);
            foreach (var stage in Stages)
            {
                stages.Add([stage.Stage, .. stage.Statuses.Select(s => s?.ToString().ToLowerInvariant() ?? "-")]);
                stages.Add(["  time", .. stage.DurationSeconds.Select(s => s is { } v ? TextTable.Seconds(v) : "-")]);
                foreach (var count in stage.Counts)
                    stages.Add([$"  {count.Name}", .. count.Values.Select((v, i) => v is null ? "-" : i == 0 || count.Deltas[i] is null ? $"{v}" : $"{v} ({count.Deltas[i]:+0;-0;+0})")]);
            }
            text.Append(stages);
        }
        return text.ToString();
    }

    private static string Cell(double? value, double? delta, int column) => value switch
    {
        null => "-",
        { } v when column == 0 || delta is null => TextTable.Score(v),
        { } v => $"{TextTable.Score(v)} ({TextTable.Delta(delta.Value)})",
    };
}
