using System.Globalization;
using System.Text;
using Locus.Data;

namespace Locus.Specialization.Runs;

/// <summary>A run's manifest as plain text for people: header, settings, inputs, stages, metrics, artefacts, software.</summary>
public static class RunDescription
{
    /// <summary>Describes one run; <paramref name="promoted"/> marks it as the promoted version of its name.</summary>
    public static string ToText(RunReference run, RunManifest manifest, bool promoted)
    {
        var text = new StringBuilder();
        text.Append($"{run}{(promoted ? "  [promoted]" : "")}\n");
        var header = new TextTable("", "")
            .Add("id", manifest.Id)
            .Add("status", Name(manifest.Status))
            .Add("task", manifest.Task.ToName())
            .Add("created", TextTable.Utc(manifest.CreatedUtc))
            .Add("finished", manifest.FinishedUtc is { } finished ? TextTable.Utc(finished) : "-")
            .Add("folder", run.Folder);
        if (RunMetrics.KeyMetric(manifest) is { } key) header.Add("key metric", $"{key.Path} = {TextTable.Score(key.Value)}");
        if (manifest.ResumedUtc.Count > 0) header.Add("resumed", string.Join(", ", manifest.ResumedUtc.Select(TextTable.Utc)));
        if (manifest.Error is { } error) header.Add("error", error);
        if (manifest.Notes is { } notes) header.Add("notes", notes);
        text.Append(Indent(header.ToString()));

        Section(text, "settings", JsonPaths.Flatten(manifest.Settings).Select(p => new[] { p.Key, JsonPaths.Text(p.Value) }), "path", "value");
        Section(text, "inputs", manifest.Inputs.Select(Row), "path", "sha256", "size");
        Section(text, "stages", manifest.Stages.Select(s => new[]
        {
            s.Name, Name(s.Status), s.DurationSeconds is { } d ? TextTable.Seconds(d) : "-",
            string.Join(", ", s.Counts.Select(c => $"{c.Key}={c.Value}")), s.Error ?? s.Notes ?? "",
        }), "stage", "status", "time", "counts", "notes");
        Section(text, "metrics", JsonPaths.Numbers(manifest.Metrics).Select(p => new[] { p.Key, TextTable.Score(p.Value) }), "metric", "value");
        Section(text, "timings", manifest.Timings.Select(t => new[] { t.Key, TextTable.Seconds(t.Value) }), "timing", "value");
        Section(text, "artefacts", manifest.Artefacts.Select(a => (string[])[a.Key, .. Row(a.Value)]), "kind", "path", "sha256", "size");
        var versions = manifest.Versions;
        Section(text, "software", [
            ["locus", versions.Locus], [".net", versions.Dotnet], ["torchsharp", versions.TorchSharp],
            ["os", versions.Os], ["architecture", versions.Architecture], ["cpus", versions.CpuCount.ToString(CultureInfo.InvariantCulture)],
        ], "", "");
        return text.ToString();
    }

    private static string[] Row(RunFile file) =>
        [file.Path, file.Sha256[..12], file.Files is { } count ? $"{file.Bytes} B in {count} files" : $"{file.Bytes} B"];

    private static void Section(StringBuilder text, string title, IEnumerable<string[]> rows, params string[] header)
    {
        var table = new TextTable(header);
        var any = false;
        foreach (var row in rows)
        {
            table.Add(row);
            any = true;
        }
        text.Append('\n').Append(title).Append(any ? ":\n" : ": none\n");
        if (any) text.Append(Indent(table.ToString()));
    }

    // Blank lines are dropped, which also drops the header row of a table whose header is blank.
    private static string Indent(string lines) => string.Concat(lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => $"  {l}\n"));

    private static string Name<T>(T value) where T : Enum => value.ToString().ToLowerInvariant();
}
