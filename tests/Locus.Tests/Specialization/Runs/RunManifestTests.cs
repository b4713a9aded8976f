using System.Text.Json.Nodes;
using Locus.Data;
using Locus.Specialization.Runs;

namespace Locus.Tests.Specialization.Runs;

public class RunManifestTests
{
    [Fact]
    public async Task ManifestRoundTripsThroughRunJson()
    {
        using var t = new RunTestStore();
        var data = t.WriteInput("train.jsonl", "abc");
        var run = await t.Store.CreateAsync(new RunRequest
        {
            Name = "movies",
            Task = DataTask.Classification,
            Settings = new JsonObject { ["lora"] = new JsonObject { ["rank"] = 32, ["alpha"] = 32.0 }, ["seeds"] = new JsonArray(1, 2) },
            Inputs = [data],
            KeyMetric = "dev.accuracy",
            Notes = "first try",
        });
        await run.StartStageAsync("combine", inputs: [data], fingerprint: "f1");
        t.Clock.Advance(2.5);
        File.WriteAllText(run.PathOf("combined.jsonl"), "");
        await run.CompleteStageAsync("combine", new StageOutcome
        {
            Outputs = ["combined.jsonl"],
            Counts = new Dictionary<string, long> { ["kept"] = 9, ["rejected"] = 1 },
            Notes = "1 duplicate",
        });
        await run.AddArtefactAsync("metrics", "combined.jsonl");
        await run.UpdateAsync(m => m.Metrics = new JsonObject { ["dev"] = new JsonObject { ["accuracy"] = 0.75 } });
        t.Clock.Advance(1);
        await run.CompleteAsync();

        var read = await t.Store.LoadAsync(run.Reference);

        Assert.Equal(RunManifestJson.Serialize(run.Manifest), RunManifestJson.Serialize(read));
        Assert.Equal(("movies", 1, RunStatus.Completed, DataTask.Classification), (read.Name, read.Version, read.Status, read.Task));
        Assert.Matches("^[0-9a-f]{32}$", read.Id);
        Assert.Equal(new DateTime(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc), read.CreatedUtc);
        Assert.Equal(DateTimeKind.Utc, read.CreatedUtc.Kind);
        Assert.Equal(32, read.Settings["lora"]!["rank"]!.GetValue<int>());
        Assert.Equal(Path.GetFullPath(data), read.Inputs.Single().Path);
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", read.Inputs.Single().Sha256);
        var stage = read.Stages.Single();
        Assert.Equal((StageStatus.Completed, 2.5, "f1", "1 duplicate"), (stage.Status, stage.DurationSeconds, stage.Fingerprint, stage.Notes));
        Assert.Equal(9, stage.Counts["kept"]);
        Assert.Equal("combined.jsonl", stage.Outputs.Single().Path);
        Assert.Equal("combined.jsonl", read.Artefacts["metrics"].Path);
        Assert.Equal(3.5, read.Timings["total_seconds"]);
        Assert.Equal(2.5, read.Timings["stage_seconds"]);
        Assert.Equal(new MetricValue("dev.accuracy", 0.75), RunMetrics.KeyMetric(read));
        Assert.Equal(Environment.ProcessorCount, read.Versions.CpuCount);
        Assert.StartsWith("0.107", read.Versions.TorchSharp);
        Assert.StartsWith(".NET", read.Versions.Dotnet);
    }

    [Fact]
    public async Task ManifestUsesSnakeCaseNamesAndStatuses()
    {
        using var t = new RunTestStore();
        var run = await t.RecordAsync("x", [], [], kept: 1, finish: RunStatus.Interrupted);

        var json = JsonNode.Parse(File.ReadAllText(run.Reference.ManifestPath))!;

        Assert.Equal("locus-run-2", json["format"]!.GetValue<string>());
        Assert.Equal("interrupted", json["status"]!.GetValue<string>());
        Assert.Equal("ner", json["task"]!.GetValue<string>());
        Assert.Equal("2026-11-24T10:00:00Z", json["created_utc"]!.GetValue<string>());
        Assert.Equal(10.0, json["stages"]![0]!["duration_seconds"]!.GetValue<double>());
        Assert.NotNull(json["versions"]!["cpu_count"]);
    }

    [Fact]
    public async Task ManifestsWrittenBeforeFormatsAreReadWithSnakeCaseMetrics()
    {
        using var t = new RunTestStore();
        var run = await t.RecordAsync("x", [], [], kept: 1);
        // run.json as Locus wrote it before "format": "schema_version" instead, evaluation reports in camelCase and
        // self-training rounds in PascalCase inside the metrics.
        var json = JsonNode.Parse(File.ReadAllText(run.Reference.ManifestPath))!.AsObject();
        json.Remove("format");
        json.Insert(0, "schema_version", 1);
        json["metrics"] = JsonNode.Parse("""
            {"test": {"f1": 0.9, "entities": {"perType": [{"label": "PER", "f1": 0.9}], "micro": {"f1": 0.9}, "goldEntities": 3}},
             "self_training": [{"Round": 1, "TeacherDevScore": 0.5}]}
            """);
        File.WriteAllText(run.Reference.ManifestPath, json.ToJsonString());

        var read = await t.Store.LoadAsync(run.Reference);

        Assert.Null(read.Format);
        Assert.Equal(3, read.Metrics["test"]!["entities"]!["gold_entities"]!.GetValue<int>());
        Assert.Equal("PER", read.Metrics["test"]!["entities"]!["per_type"]![0]!["label"]!.GetValue<string>());
        Assert.Equal(0.5, read.Metrics["self_training"]![0]!["teacher_dev_score"]!.GetValue<double>());
        Assert.Equal(new MetricValue("test.f1", 0.9), RunMetrics.KeyMetric(read));
    }

    [Theory]
    [InlineData("""{"id": """, 1, "id", "end of the JSON")]
    [InlineData("""{"format": "locus-run-2", "id": "0123456789abcdef0123456789abcdef", "name": "x", "version": 1, "status": "exploded", "task": "ner", "versions": {"locus": "1", "dotnet": "x", "torch_sharp": "x", "os": "x", "architecture": "x", "cpu_count": 1}}""", 1, "status", "the value is not one this field accepts")]
    [InlineData("""{"format": "locus-run-2", "name": "x", "version": 1, "status": "running", "task": "ner", "versions": {"locus": "1", "dotnet": "x", "torch_sharp": "x", "os": "x", "architecture": "x", "cpu_count": 1}}""", 1, null, "missing required field(s) 'id'")]
    [InlineData("""{"format": "locus-run-9", "id": "0123456789abcdef0123456789abcdef", "name": "x", "version": 1, "status": "running", "task": "ner", "versions": {"locus": "1", "dotnet": "x", "torch_sharp": "x", "os": "x", "architecture": "x", "cpu_count": 1}}""", 0, "format", "'locus-run-9' is not locus-run-2")]
    [InlineData("""{"format": "locus-run-2", "id": "0123456789abcdef0123456789abcdef", "name": "x", "version": 1, "status": "running", "task": "ner", "inputs": [{"path": "a", "sha256": "xyz", "bytes": 1}], "versions": {"locus": "1", "dotnet": "x", "torch_sharp": "x", "os": "x", "architecture": "x", "cpu_count": 1}}""", 0, "inputs[0].sha256", "'xyz' is not a SHA-256")]
    public async Task CorruptManifestsAreReportedWithFileFieldAndProblem(string content, int line, string? field, string problem)
    {
        using var t = new RunTestStore();
        var path = t.WriteInput("run.json", content);

        var e = await Assert.ThrowsAsync<DataFormatException>(() => RunManifestJson.ReadManifestAsync(path));

        Assert.Equal(path, e.File);
        Assert.Equal(line, e.Line);
        Assert.Equal(field, e.Field);
        Assert.Contains(problem, e.Problem);
        Assert.DoesNotContain("LineNumber", e.Message);
    }

    [Fact]
    public async Task ManifestInTheWrongFolderIsRejected()
    {
        using var t = new RunTestStore();
        var run = await t.RecordAsync("x", [], [], kept: 1);
        await t.RecordAsync("x", [], [], kept: 1);
        File.Copy(run.Reference.ManifestPath, Path.Combine(t.Root, "x", "v2", "run.json"), overwrite: true);

        var e = await Assert.ThrowsAsync<DataFormatException>(async () => await t.Store.LoadAsync(await t.Store.ResolveAsync("x/v2")));

        Assert.Contains("says x/v1 but lies in the folder of x/v2", e.Message);
    }
}
