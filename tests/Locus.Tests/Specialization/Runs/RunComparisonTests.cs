using System.Text.Json.Nodes;
using Locus.Data;
using Locus.Specialization.Runs;

namespace Locus.Tests.Specialization.Runs;

public class RunComparisonTests
{
    private static RunManifest Manifest(int version, JsonObject settings, JsonObject metrics, params RunStage[] stages) => new()
    {
        Id = new string((char)('a' + version), 32),
        Name = "exp",
        Version = version,
        Status = RunStatus.Completed,
        Task = DataTask.Ner,
        CreatedUtc = new DateTime(2026, 11, 24, 10, version, 0, DateTimeKind.Utc),
        Settings = settings,
        Metrics = metrics,
        Stages = [.. stages],
        Versions = RunEnvironment.Capture(),
    };

    private static RunStage Stage(string name, double seconds, params (string Name, long Value)[] counts)
    {
        var stage = new RunStage { Name = name, Status = StageStatus.Completed, DurationSeconds = seconds };
        foreach (var (count, value) in counts) stage.Counts[count] = value;
        return stage;
    }

    private static RunComparison HandMadePair() => RunComparer.Compare(
    [
        Manifest(1,
            new JsonObject { ["lr"] = 0.001, ["lora"] = new JsonObject { ["rank"] = 16, ["alpha"] = 32 }, ["seeds"] = new JsonArray(1, 2) },
            new JsonObject { ["dev"] = new JsonObject { ["f1"] = 0.80, ["precision"] = 0.75 } },
            Stage("synthesis", 12, ("produced", 200), ("kept", 150)), Stage("train", 100)),
        Manifest(2,
            new JsonObject { ["lr"] = 0.001, ["lora"] = new JsonObject { ["rank"] = 32, ["alpha"] = 32 }, ["seeds"] = new JsonArray(1, 3), ["rounds"] = 2 },
            new JsonObject { ["dev"] = new JsonObject { ["f1"] = 0.85, ["precision"] = 0.70 }, ["test"] = new JsonObject { ["f1"] = 0.83 } },
            Stage("synthesis", 15, ("produced", 260), ("kept", 180)), Stage("evaluate", 3)),
    ]);

    [Fact]
    public void SettingsThatDifferAreListedByFlattenedPath()
    {
        var comparison = HandMadePair();

        Assert.Equal(["lora.rank", "rounds", "seeds[1]"], comparison.Settings.Select(s => s.Path));
        Assert.Equal(["16", "32"], comparison.Settings[0].Values);
        Assert.Equal([null, "2"], comparison.Settings[1].Values);
        Assert.Equal(["2", "3"], comparison.Settings[2].Values);
    }

    [Fact]
    public void MetricsCarryDeltasAgainstTheFirstRun()
    {
        var metrics = HandMadePair().Metrics.ToDictionary(m => m.Path);

        Assert.Equal(["dev.f1", "dev.precision", "test.f1"], metrics.Keys);
        // 0.85 - 0.80 = +0.05; 0.70 - 0.75 = -0.05; test.f1 is missing in the baseline, so it has no delta.
        Assert.Equal(0.0, metrics["dev.f1"].Deltas[0]);
        Assert.Equal(0.05, metrics["dev.f1"].Deltas[1]!.Value, 12);
        Assert.Equal(-0.05, metrics["dev.precision"].Deltas[1]!.Value, 12);
        Assert.Equal([null, 0.83], metrics["test.f1"].Values);
        Assert.Equal([null, null], metrics["test.f1"].Deltas);
    }

    [Fact]
    public void StagesCompareStatusesDurationsAndCounts()
    {
        var stages = HandMadePair().Stages;

        Assert.Equal(["synthesis", "train", "evaluate"], stages.Select(s => s.Stage));
        Assert.Equal([12.0, 15.0], stages[0].DurationSeconds);
        Assert.Equal(["kept", "produced"], stages[0].Counts.Select(c => c.Name));
        Assert.Equal([0L, 30L], stages[0].Counts[0].Deltas);
        Assert.Equal([0L, 60L], stages[0].Counts[1].Deltas);
        Assert.Equal([StageStatus.Completed, null], stages[1].Statuses);
        Assert.Equal([null, StageStatus.Completed], stages[2].Statuses);
    }

    [Fact]
    public void TextShowsValuesAndSignedDeltas()
    {
        var text = HandMadePair().ToText();

        Assert.Contains("exp/v1", text);
        Assert.Matches(@"lora\.rank\s+16\s+32", text);
        Assert.Matches(@"rounds\s+\(unset\)\s+2", text);
        Assert.Matches(@"dev\.f1\s+0\.8000\s+0\.8500 \(\+0\.0500\)", text);
        Assert.Matches(@"dev\.precision\s+0\.7500\s+0\.7000 \(-0\.0500\)", text);
        Assert.Matches(@"kept\s+150\s+180 \(\+30\)", text);
        Assert.Matches(@"time\s+12\.0s\s+15\.0s", text);
    }

    [Fact]
    public void KeyMetricPrefersTestF1ThenFallsBack()
    {
        var comparison = HandMadePair();
        Assert.Equal(new MetricValue("dev.f1", 0.80), comparison.Runs[0].KeyMetric);
        Assert.Equal(new MetricValue("test.f1", 0.83), comparison.Runs[1].KeyMetric);
        Assert.Throws<ArgumentException>(() => RunComparer.Compare([Manifest(1, [], [])]));
    }
}
