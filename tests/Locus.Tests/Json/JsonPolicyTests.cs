using System.Text.Json;
using System.Text.Json.Nodes;
using Locus.Atlas;
using Locus.Atlas.Bench;
using Locus.Atlas.Data;
using Locus.Evaluation;
using Locus.Retrieval.Embeddings;
using Locus.Retrieval.Ingestion;
using Locus.Specialization.Runs;
using Locus.Specialization.Steps;
using Locus.Synthesis;
using Locus.Tests.Atlas;
using Locus.Tests.Specialization.Runs;
using Locus.Tests.TestSupport;
using Locus.Training.FineTuning;
using Locus.Training.Trainer;

namespace Locus.Tests.Json;

/// <summary>
/// One JSON policy (<see cref="LocusJson"/>): every file Locus keeps for itself is snake_case and names its format;
/// <c>--json</c> output and JSONL records are snake_case; files from before formats read, or are refused in one line.
/// </summary>
public class JsonPolicyTests
{
    [Fact]
    public async Task EveryFileLocusKeepsIsSnakeCaseAndNamesItsFormat()
    {
        using var t = new RunTestStore();
        var run = await t.RecordAsync("x", new JsonObject { ["stages"] = new JsonObject { ["self-train"] = new JsonObject { ["rounds"] = 1 } } }, [], kept: 1);
        JsonPolicyAssert.LocusFile(run.Reference.ManifestPath, RunManifestJson.ManifestFormat, "stages", "counts", "timings", "artefacts");
        await t.Store.PromoteAsync(run.Reference);
        JsonPolicyAssert.LocusFile(Path.Combine(t.Root, "x", RunStore.PromotionFileName), RunManifestJson.PromotionFormat);

        using var dir = new TempDir();
        var report = ClassificationMetrics.Evaluate(["a", "b", "b"], ["a", "a", "b"]);
        var calibration = CalibrationMetrics.Compute([0.2, 0.9], [false, true]);
        var scores = new JsonObject { ["dev"] = new JsonObject
        {
            ["accuracy"] = report.Accuracy,
            ["classification"] = JsonSerializer.SerializeToNode(report, LocusJson.Options),
            ["calibration"] = JsonSerializer.SerializeToNode(calibration, LocusJson.Options),
        } };
        await MetricsFile.WriteAsync(dir.File(MetricsFile.FileName), scores, CancellationToken.None);
        JsonPolicyAssert.LocusFile(dir.File(MetricsFile.FileName), MetricsFile.FileFormat);
        Assert.Equal(scores.ToJsonString(), (await MetricsFile.ReadAsync(dir.File(MetricsFile.FileName), CancellationToken.None)).ToJsonString());

        new TrainedModelManifest { Task = "ner", Mode = FineTuneMode.Lora, Labels = ["O", "B-PER", "I-PER"], MaxLength = 128, Stride = 32, BaseModel = "builtin:all-MiniLM-L6-v2" }
            .Save(dir.Path);
        var model = JsonPolicyAssert.LocusFile(dir.File(TrainedModelManifest.FileName), TrainedModelManifest.FileFormat);
        Assert.Equal("lora", model["mode"]!.GetValue<string>());

        // TrainingCheckpoint.Save writes the state this way, beside the weights.
        LocusJson.WriteFile(dir.File("trainer_state.json"), TrainerState.Fresh() with { Epoch = 1, BestDevMetric = 0.5, Settings = "epochs 1" }, TrainerState.FileFormat);
        JsonPolicyAssert.LocusFile(dir.File("trainer_state.json"), TrainerState.FileFormat);

        var (table, _, _) = SyntheticAtlasData.Clusters(3, 30, seed: 4);
        BenchSplitFile.Write(dir.File("splits.json"), [BenchSplit.Generate(table, seed: 1)]);
        JsonPolicyAssert.LocusFile(dir.File("splits.json"), BenchSplitFile.FileFormat, "probes");
        Assert.Single(BenchSplitFile.Read(dir.File("splits.json"), table));

        var benchReport = JsonSerializer.SerializeToNode(new AtlasBenchReport { Encoding = "collaborative", Measurements = [new BenchMeasurement(1, "locus", 16, "auc", 0.8)] }, LocusJson.Options)!;
        Assert.Equal(AtlasBenchReport.FileFormat.Name, benchReport[LocusJson.FormatMember]!.GetValue<string>());
        JsonPolicyAssert.SnakeCase(benchReport);

        // JSONL records carry no format (each line is a record of a data format) but follow the naming.
        JsonPolicyAssert.SnakeCase(JsonNode.Parse(RejectedSampleFile.ToLine(new RejectedSample(1, 2, 3, "not JSON", "{"))));
        JsonPolicyAssert.SnakeCase(JsonNode.Parse(EvaluationJsonlWriter.ToLine(new EvaluationRecord("m", "q1", 1, "text", 0.5))));
    }

    [Fact]
    public async Task IndexFilesAndJsonOutputFollowThePolicy()
    {
        using var dir = new TempDir();
        File.WriteAllLines(dir.File("corpus.txt"), ["Alice flew to Paris.", "Bob stayed in Rome.", "Alice flew to Paris."]);
        var index = dir.File("idx");
        var ingest = await CliRun.Locus("corpus", "ingest", "--in", dir.File("corpus.txt"), "--index", index, "--dim", "64", "--json");
        Assert.True(ingest.Code == 0, ingest.Err);
        JsonPolicyAssert.SnakeCase(JsonNode.Parse(ingest.Out));
        JsonPolicyAssert.LocusFile(Path.Combine(index, EncoderSpec.FileName), EncoderSpec.FileFormat);
        JsonPolicyAssert.LocusFile(Path.Combine(index, IngestCheckpoint.FileName), IngestCheckpoint.FileFormat);

        var stats = await CliRun.Locus("corpus", "stats", "--index", index, "--json");
        Assert.True(stats.Code == 0, stats.Err);
        var statsJson = JsonNode.Parse(stats.Out)!;
        JsonPolicyAssert.SnakeCase(statsJson);
        Assert.NotNull(statsJson["live_rows"]);
        var search = await CliRun.Locus("corpus", "search", "--index", index, "--query", "Paris", "-k", "1", "--json");
        JsonPolicyAssert.SnakeCase(JsonNode.Parse(search.Out));

        File.WriteAllLines(dir.File("data.jsonl"), ["""{"text": "Alice flew to Paris.", "spans": [{"start": 0, "end": 5, "label": "PER"}]}"""]);
        var dataStats = await CliRun.Locus("data", "stats", dir.File("data.jsonl"), "--json");
        Assert.True(dataStats.Code == 0, dataStats.Err);
        JsonPolicyAssert.SnakeCase(JsonNode.Parse(dataStats.Out), "label_counts");
        File.AppendAllLines(dir.File("data.jsonl"), ["""{"text": ""}"""]);
        var validate = await CliRun.Locus("data", "validate", dir.File("data.jsonl"), "--json");
        JsonPolicyAssert.SnakeCase(JsonNode.Parse(validate.Out));
        var models = await CliRun.Locus("model", "list", "--json");
        JsonPolicyAssert.SnakeCase(JsonNode.Parse(models.Out));
    }

    [Fact]
    public void FilesWrittenBeforeFormatsWereVersionedAreRead()
    {
        using var dir = new TempDir();
        // encoder.json and checkpoint.json of an index built by an earlier Locus: .NET's default PascalCase names.
        File.WriteAllText(dir.File(EncoderSpec.FileName), """
            {"Name": "transformer", "Dimension": 384, "ModelPath": "builtin:arctic-embed-xs", "Pooling": "Cls", "QueryPrefix": "q: ", "PassagePrefix": "", "BFloat16": true, "MaxLength": 128}
            """);
        var spec = EncoderSpec.Load(dir.Path)!;
        Assert.Equal(("transformer", 384, "builtin:arctic-embed-xs", SentencePooling.Cls, "q: ", true, 128),
            (spec.Name, spec.Dimension, spec.ModelPath, spec.Pooling, spec.QueryPrefix, spec.BFloat16, spec.MaxLength));
        File.WriteAllText(dir.File(IngestCheckpoint.FileName), """{"Inputs": ["a.txt"], "ModelId": "lexical", "LinesConsumed": 7, "IndexCount": 5, "Completed": false}""");
        var checkpoint = IngestCheckpoint.Load(dir.Path)!;
        Assert.Equal((7L, 5, false, "a.txt"), (checkpoint.LinesConsumed, checkpoint.IndexCount, checkpoint.Completed, checkpoint.Inputs.Single()));
        File.WriteAllText(dir.File("trainer_state.json"), """{"Epoch": 2, "Step": 40, "BestEpoch": 1, "BestDevMetric": 0.5, "EpochsWithoutImprovement": 1, "LossCurve": [1.0, 0.5], "DevCurve": [0.5, 0.4], "Stopped": false, "Settings": "epochs 3"}""");
        var state = LocusJson.ReadFile<TrainerState>(dir.File("trainer_state.json"), TrainerState.FileFormat);
        Assert.Equal((2, 40L, 0.5, "epochs 3"), (state.Epoch, state.Step, state.BestDevMetric, state.Settings));
        Assert.Equal([1.0, 0.5], state.LossCurve);

        // locus_model.json was snake_case already: read as it is.
        File.WriteAllText(dir.File(TrainedModelManifest.FileName), """{"task": "ner", "mode": "lora", "labels": ["O", "B-X"], "multi_label": false, "max_length": 64, "stride": 16, "base_model": "b"}""");
        var model = TrainedModelManifest.Load(dir.Path);
        Assert.Equal(("ner", FineTuneMode.Lora, 64, "b"), (model.Task, model.Mode, model.MaxLength, model.BaseModel));

        // Rewritten, each is in the current layout.
        spec.Save(dir.Path);
        JsonPolicyAssert.LocusFile(dir.File(EncoderSpec.FileName), EncoderSpec.FileFormat);
        Assert.True(EncoderSpec.Load(dir.Path)!.BFloat16);
    }

    [Fact]
    public void FilesInAnotherLayoutAreRefusedInOneLineThatSaysWhatToDo()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File(AtlasStore.ManifestFile), """{"format": "locus-atlas-1", "encoding_kind": "lsa", "models": []}""");
        var old = Assert.Throws<DataFormatException>(() => AtlasStore.Load(dir.Path));
        Assert.Equal((dir.File(AtlasStore.ManifestFile), "format"), (old.File, old.Field));
        Assert.Contains("'locus-atlas-1' is not locus-atlas-2", old.Message);
        Assert.Contains("locus atlas train", old.Message);
        Assert.DoesNotContain('\n', old.Message);

        File.WriteAllText(dir.File(AtlasStore.ManifestFile), """{"encoding_kind": "lsa", "models": []}""");
        var unversioned = Assert.Throws<DataFormatException>(() => AtlasStore.Load(dir.Path));
        Assert.Contains("written by an earlier version of Locus", unversioned.Message);
        Assert.Contains("locus atlas train", unversioned.Message);

        File.WriteAllText(dir.File(EncoderSpec.FileName), """{"format": "locus-encoder-9", "name": "lexical"}""");
        var newer = Assert.Throws<DataFormatException>(() => EncoderSpec.Load(dir.Path));
        Assert.StartsWith(dir.File(EncoderSpec.FileName), newer.Message);
        Assert.Contains("'locus-encoder-9' is not locus-encoder-1", newer.Message);
    }
}
