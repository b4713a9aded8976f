using System.Text.Json.Nodes;
using Locus.Data;
using Locus.Specialization.Pipeline;
using Locus.Specialization.Runs;
using Locus.Specialization.Steps;
using Locus.Synthesis;
using Locus.Tests.Synthesis;
using Locus.Tests.TestSupport;
using Locus.Training.FineTuning;
using Locus.Training.Trainer;

namespace Locus.Tests.Specialization.Pipeline;

public sealed class SpecializationPipelineTests
{
    [Fact]
    public async Task OfflineRunRecordsEveryStageKeepsHeldOutTextsOutAndScoresTheSavedModel()
    {
        using var fixture = new PipelineFixture();
        var store = new RunStore(fixture.RunsRoot);
        var result = await new SpecializationPipeline(store).RunAsync("demo", fixture.Options(tweak: f => f.Training.Epochs = 10));

        Assert.Equal(1, result.Run.Version);
        Assert.False(result.Resumed);
        var manifest = await store.LoadAsync(result.Run);
        Assert.Equal(RunStatus.Completed, manifest.Status);
        Assert.Equal(SpecializationPipeline.Stages, manifest.Stages.Select(s => s.Name));
        Assert.All(manifest.Stages, s => Assert.Equal(StageStatus.Completed, s.Status));
        Assert.Equal("offline", manifest.Settings["synthesis_mode_used"]!.GetValue<string>());

        string Data(string file) => Path.Combine(result.Run.Folder, "data", file);
        var dev = await ExampleFiles.ReadAsync(Data("seeds-dev.jsonl"), DataTask.Ner, default);
        var train = await ExampleFiles.ReadAsync(Data("train.jsonl"), DataTask.Ner, default);
        var heldOut = dev.Select(e => TextKey.Of(e.Example.Text)).Concat(File.ReadLines(fixture.Test).Select(l => TextKey.Of(JsonNode.Parse(l)!["text"]!.GetValue<string>()))).ToHashSet();
        Assert.Equal(3, dev.Count); // 20% of 4 seeds per label, stratified
        Assert.Equal(9, train.Count(e => e.Provenance.Source == ExampleSource.Seed));
        Assert.Contains(train, e => e.Provenance.Source == ExampleSource.SyntheticMentionReplacement);
        Assert.Contains(train, e => e.Provenance.Source == ExampleSource.PseudoLabelled && e.Provenance.Round == 1);
        Assert.DoesNotContain(train, e => heldOut.Contains(TextKey.Of(e.Example.Text)));
        Assert.Equal(train.Count, train.Select(e => TextKey.Of(e.Example.Text)).Distinct().Count());
        var retrieved = await CorpusRetrieval.ReadAsync(Data("retrieved.jsonl"), default);
        Assert.NotEmpty(retrieved);
        Assert.DoesNotContain(retrieved, s => heldOut.Contains(TextKey.Of(s.Text)));

        using var model = TrainedModel.Load(result.ModelFolder);
        var test = (await ExampleFiles.ReadAsync(fixture.Test, DataTask.Ner, default)).Select(e => (NerExample)e.Example).ToList();
        var again = model.NerPredictor().Evaluate(test).Report.Micro.F1;
        Assert.Equal(again, result.Metrics["test"]!["f1"]!.GetValue<double>(), 12);
        Assert.Equal(again, manifest.Metrics["test"]!["f1"]!.GetValue<double>(), 12);
        Assert.Equal(6, result.Metrics["test"]!["examples"]!.GetValue<int>());

        // The final model was trained again on the dev seeds too, for the epochs the selection model chose; the dev
        // score is the selection model's (it never saw them), and its test score is kept beside the final one.
        var refit = manifest.FindStage("refit")!;
        Assert.Equal(train.Count + dev.Count, refit.Counts["examples"]);
        Assert.Equal(manifest.FindStage("train")!.Counts["best_epoch"], refit.Counts["epochs"]);
        using var selection = TrainedModel.Load(Path.Combine(result.Run.Folder, SpecializationPipeline.SelectionFolder));
        Assert.Equal(selection.NerPredictor().Evaluate(test).Report.Micro.F1, result.Metrics["selection_test"]!["f1"]!.GetValue<double>(), 12);
        Assert.Equal(selection.NerPredictor().Evaluate(dev.Select(e => (NerExample)e.Example).ToList()).Report.Micro.F1, result.Metrics["dev"]!["f1"]!.GetValue<double>(), 12);
        Assert.Equal(result.Metrics["selection_test"]!.ToJsonString(), (await MetricsFile.ReadAsync(Path.Combine(result.Run.Folder, MetricsFile.FileName), default))["selection_test"]!.ToJsonString());
    }

    [Fact]
    public async Task AnInterruptedRefitResumesWithoutTrainingTheSelectionModelAgain()
    {
        using var fixture = new PipelineFixture();
        var store = new RunStore(fixture.RunsRoot);
        var options = fixture.Options();
        await InterruptDuringAsync(store, options, "refit");
        Assert.Equal(StageStatus.Interrupted, (await store.LoadAsync(await store.ResolveAsync("demo"))).FindStage("refit")!.Status);

        var resumed = await new SpecializationPipeline(store).RunAsync("demo", options);
        Assert.Equal(["split", "retrieve", "synthesize", "self-train", "combine", "train"], resumed.ReusedStages);
        Assert.NotNull(resumed.Metrics["selection_test"]);
    }

    [Fact]
    public async Task WithoutTheRefitTheSelectionModelIsTheFinalOne()
    {
        using var fixture = new PipelineFixture();
        var store = new RunStore(fixture.RunsRoot);
        var options = fixture.Options(tweak: f => f.Training.Epochs = 2);
        var result = await new SpecializationPipeline(store).RunAsync("demo", new SpecializeOptions
        {
            Task = options.Task, SchemaPath = options.SchemaPath, SeedsPath = options.SeedsPath, BaseModel = options.BaseModel, TestPath = options.TestPath,
            Synthesis = SynthesisMode.None, FineTune = options.FineTune, RefitOnAllSeeds = false,
        });
        var manifest = await store.LoadAsync(result.Run);
        Assert.Equal(StageStatus.Completed, manifest.FindStage("refit")!.Status);
        Assert.Contains("off", manifest.FindStage("refit")!.Notes);
        Assert.False(Directory.Exists(Path.Combine(result.Run.Folder, SpecializationPipeline.SelectionFolder)));
        Assert.Null(result.Metrics["selection_test"]);
        Assert.NotNull(result.Metrics["test"]);
    }

    [Fact]
    public async Task AnInterruptedRunResumesReusingItsFinishedStages()
    {
        using var fixture = new PipelineFixture();
        var store = new RunStore(fixture.RunsRoot);
        var options = fixture.Options();
        await InterruptDuringAsync(store, options, "train");
        var interrupted = await store.LoadAsync(await store.ResolveAsync("demo"));
        Assert.Equal(RunStatus.Interrupted, interrupted.Status);
        Assert.Equal(StageStatus.Interrupted, interrupted.FindStage("train")!.Status);

        var resumed = await new SpecializationPipeline(store).RunAsync("demo", options);
        Assert.True(resumed.Resumed);
        Assert.Equal(1, resumed.Run.Version);
        Assert.Equal(["split", "retrieve", "synthesize", "self-train", "combine"], resumed.ReusedStages);
        Assert.Equal(RunStatus.Completed, (await store.LoadAsync(resumed.Run)).Status);

        // A completed run is never resumed: the same command makes the next version.
        var next = await new SpecializationPipeline(store).RunAsync("demo", options);
        Assert.Equal(2, next.Run.Version);
        Assert.Empty(next.ReusedStages);
    }

    [Fact]
    public async Task LlmSynthesisGoesThroughTheEndpointAndTheKeyIsNeverRecorded()
    {
        using var fixture = new PipelineFixture();
        // The first call fails once (HTTP 500) and is retried: every attempt is accounted for in run.json.
        using var server = new FakeOpenAiServer((_, call) => call == 0 ? FakeReply.Error(500, "busy") : SynthesisFixtures.DistinctNerReply(call));
        var store = new RunStore(fixture.RunsRoot);
        var options = fixture.Options(SynthesisMode.Auto);
        options = new SpecializeOptions
        {
            Task = options.Task, SchemaPath = options.SchemaPath, SeedsPath = options.SeedsPath, BaseModel = options.BaseModel, Corpus = options.Corpus,
            TestPath = options.TestPath, FineTune = options.FineTune, SelfTrainingRounds = 0,
            Llm = SynthesisFixtures.Options(server), LlmSynthesis = new SynthesisOptions { Rounds = 2, RequestsPerRound = 2, ExamplesPerRequest = 3, RetrievedPerRequest = 2 },
        };

        var result = await new SpecializationPipeline(store).RunAsync("llm", options);

        Assert.Equal(5, server.ChatCalls);
        var corpus = File.ReadAllLines(fixture.Corpus);
        Assert.All(server.ChatRequests, r => Assert.Contains(corpus, line => r.PromptText.Contains(line))); // retrieved context
        var synthetic = await ExampleFiles.ReadAsync(Path.Combine(result.Run.Folder, "data", "synthetic.jsonl"), DataTask.Ner, default);
        Assert.Equal(4, synthetic.Count);
        Assert.All(synthetic, e => Assert.Equal(ExampleSource.SyntheticLlm, e.Provenance.Source));
        var record = await File.ReadAllTextAsync(Path.Combine(result.Run.Folder, RunStore.ManifestFileName));
        Assert.DoesNotContain(SynthesisFixtures.ApiKey, record);
        Assert.Contains("\"synthesis_mode_used\": \"llm\"", record);
        var manifest = await store.LoadAsync(result.Run);
        var synthesize = manifest.FindStage("synthesize")!;
        Assert.Equal(4, synthesize.Counts["requests"]);
        Assert.True(synthesize.Counts["prompt_tokens"] > 0);
        Assert.Equal(0, synthesize.Counts["cache_hits"]);
        Assert.Equal(5, synthesize.Counts["http_attempts"]);
        Assert.Equal(1, synthesize.Counts["retries"]);
        Assert.Equal(0, synthesize.Counts["stalls"]);
        Assert.Equal(0, synthesize.Counts["malformed_answers"]);
        Assert.Contains("4 requests (0 from the cache), 5 HTTP attempts, 1 retries, 0 stalls, 0 malformed answers", synthesize.Notes);

        // The response cache belongs to the run name, not to one version: rerunning the completed run (which makes
        // v2) is answered from it without a single call.
        Assert.Null(options.Llm.CacheFolder);
        Assert.False(Directory.Exists(Path.Combine(result.Run.Folder, "llm-cache")));
        Assert.Equal(4, Directory.EnumerateFiles(Path.Combine(fixture.RunsRoot, "llm", "llm-cache"), "*.json", SearchOption.AllDirectories).Count());
        var rerun = await new SpecializationPipeline(store).RunAsync("llm", options);
        Assert.Equal(2, rerun.Run.Version);
        Assert.Equal(5, server.ChatCalls);
        var cachedStage = (await store.LoadAsync(rerun.Run)).FindStage("synthesize")!;
        Assert.Equal(4, cachedStage.Counts["cache_hits"]);
        Assert.Equal(0, cachedStage.Counts["http_attempts"]);
        var rerunSynthetic = await ExampleFiles.ReadAsync(Path.Combine(rerun.Run.Folder, "data", "synthetic.jsonl"), DataTask.Ner, default);
        Assert.Equal(synthetic.Select(e => e.Example.Text), rerunSynthetic.Select(e => e.Example.Text));
    }

    [Fact]
    public async Task ASeedWithALabelOutsideTheSchemaIsReportedWithItsLine()
    {
        using var fixture = new PipelineFixture();
        var lines = File.ReadAllLines(fixture.Seeds);
        lines[4] = lines[4].Replace("\"LOC\"", "\"PLACE\"");
        File.WriteAllLines(fixture.Seeds, lines);

        var error = await Assert.ThrowsAsync<DataFormatException>(() => new SpecializationPipeline(new RunStore(fixture.RunsRoot)).RunAsync("bad", fixture.Options()));
        Assert.Contains("seeds.jsonl:5", error.Message);
        Assert.Contains("'PLACE' is not in the schema", error.Message);
    }

    [Fact]
    public async Task LlmModeWithoutAnEndpointSaysWhatToSet()
    {
        using var fixture = new PipelineFixture();
        var error = await Assert.ThrowsAsync<LocusException>(() => new SpecializationPipeline(new RunStore(fixture.RunsRoot)).RunAsync("x", fixture.Options(SynthesisMode.Llm)));
        Assert.Contains("LOCUS_LLM_ENDPOINT", error.Message);
    }

    [Fact]
    public async Task TheCommandLineRunsThePipelineAndEvalFindsTheRunsModel()
    {
        using var fixture = new PipelineFixture();
        var run = Path.Combine(fixture.RunsRoot, "cli");
        var (code, output, error) = await CliRun.Locus("specialize", "--task", "ner", "--schema", fixture.Schema, "--seeds", fixture.Seeds, "--corpus", fixture.Corpus,
            "--test", fixture.Test, "--base", fixture.BaseModel, "--out", run, "--synthesis", "offline", "--self-training-rounds", "0",
            "--epochs", "2", "--lr", "1e-2", "--rank", "4", "--max-length", "32", "--stride", "8", "--json");
        Assert.True(code == 0, error);
        var result = JsonNode.Parse(output)!;
        Assert.Equal("cli/v1", result["run"]!.GetValue<string>());
        Assert.Contains("[combine]", error);

        (code, output, error) = await CliRun.Locus("eval", "--model", run, "--data", fixture.Test, "--json");
        Assert.True(code == 0, error);
        Assert.Equal(result["metrics"]!["test"]!["f1"]!.GetValue<double>(), JsonNode.Parse(output)!["entities"]!["micro"]!["f1"]!.GetValue<double>(), 12);
    }

    /// <summary>Runs "demo" and cancels it at the first training progress of <paramref name="stage"/>.</summary>
    private static async Task InterruptDuringAsync(RunStore store, SpecializeOptions options, string stage)
    {
        using var cancel = new CancellationTokenSource();
        var inStage = false;
        var stages = new Recorder<SpecializeProgress>(p => inStage |= p.Stage == stage && p.Message == "started");
        var training = new Recorder<TrainingProgress>(_ => { if (inStage) cancel.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new SpecializationPipeline(store).RunAsync("demo", options, stages, training, cancel.Token));
    }

    private sealed class Recorder<T>(Action<T> onReport) : IProgress<T>
    {
        public void Report(T value) => onReport(value);
    }
}
