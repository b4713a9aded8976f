using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Locus.Data;
using Locus.Models.Builtin;
using Locus.Retrieval.Ingestion;
using Locus.Specialization.Runs;
using Locus.Specialization.Steps;
using Locus.Synthesis;
using Locus.Training.FineTuning;
using Locus.Training.Trainer;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Locus.Specialization.Pipeline;

/// <summary>The outcome of <see cref="SpecializationPipeline.RunAsync"/>.</summary>
/// <param name="Run">The run's name, version and folder.</param>
/// <param name="ModelFolder">The trained model (adapter or full model) inside the run folder.</param>
/// <param name="Metrics">Dev (held-out seeds) and, when a test set was given, test scores.</param>
/// <param name="Resumed">True when an interrupted run was continued.</param>
/// <param name="ReusedStages">Stages whose outputs were kept from the interrupted run.</param>
public sealed record SpecializeResult(RunReference Run, string ModelFolder, JsonObject Metrics, bool Resumed, IReadOnlyList<string> ReusedStages);

/// <summary>
/// LOCUS end to end: seeds → held-out dev split → retrieval of similar corpus sentences → synthesis (LLM or offline)
/// → self-training on the retrieved sentences → a combined, de-duplicated, balanced training set → fine-tuning →
/// evaluation, every stage recorded in a versioned run folder. An interrupted run (cancelled, crashed or killed) is
/// resumed by running the same command again: finished stages whose settings, inputs and outputs are unchanged are
/// reused, training continues from its last checkpoint.
/// </summary>
/// <param name="store">Where runs are kept (the parent of the run's name folder).</param>
/// <param name="logger">Logger for the stages.</param>
public sealed class SpecializationPipeline(RunStore store, ILogger? logger = null)
{
    /// <summary>Stage names, in order.</summary>
    public static readonly IReadOnlyList<string> Stages = ["split", "retrieve", "synthesize", "self-train", "combine", "train", "refit", "evaluate"];

    /// <summary>The run folder's copy of the model that chose the epoch count, when the final model was refitted on all the seeds.</summary>
    public const string SelectionFolder = "selection";

    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>Runs (or resumes) the pipeline as run <paramref name="name"/>.</summary>
    /// <exception cref="LocusException">Invalid inputs or settings; the run is marked failed.</exception>
    public async Task<SpecializeResult> RunAsync(string name, SpecializeOptions options, IProgress<SpecializeProgress>? progress = null,
        IProgress<TrainingProgress>? trainingProgress = null, CancellationToken cancellationToken = default)
    {
        Validate(options);
        // --threads covers every stage (the retrieval encoder and the teacher too, not only the final training): float
        // sums depend on the thread count, so a run is reproducible only if all of it runs on the same number.
        if (options.FineTune.Training.Threads > 0) TorchSharp.torch.set_num_threads(options.FineTune.Training.Threads);
        // Read and check the user's files before a version exists, so a bad schema, seed or test file is reported
        // without leaving a failed version behind.
        var schema = await LoadSchemaAsync(options, cancellationToken);
        await ReadLabelledAsync(options.SeedsPath, options.Task, schema, cancellationToken);
        var test = options.TestPath is null ? [] : await ReadLabelledAsync(options.TestPath, options.Task, schema, cancellationToken);
        var stageSettings = StageSettings(options);
        var fingerprints = stageSettings.ToDictionary(p => p.Key, p => ContentHash.OfJson(p.Value), StringComparer.Ordinal);
        var settings = Settings(options, stageSettings);
        // A wrong key, URL or model, or a server that is not running, is found in seconds, before any long stage (and
        // before a run version is made); a resumed run whose LLM stage is already done does not need the endpoint.
        if (SynthesisStep.Resolve(options) == SynthesisMode.Llm && !await SynthesisDoneInResumableRunAsync(name, settings, cancellationToken))
            await LlmPreflight.CheckAsync(options.Llm, _logger, cancellationToken: cancellationToken);
        var (run, plan) = await OpenRunAsync(name, options, settings, fingerprints, cancellationToken);
        var stages = new StageRunner(run, plan, fingerprints, progress, cancellationToken);
        try
        {
            var result = await RunStagesAsync(stages, options, schema, test, trainingProgress, cancellationToken);
            await run.CompleteAsync(cancellationToken);
            return result with { Resumed = plan is not null };
        }
        catch (OperationCanceledException)
        {
            await run.InterruptAsync("cancelled", CancellationToken.None);
            throw;
        }
        catch (Exception e)
        {
            await run.FailAsync(e.Message, CancellationToken.None);
            throw;
        }
    }

    private static async Task<LabelSchema> LoadSchemaAsync(SpecializeOptions options, CancellationToken cancellationToken)
    {
        var schema = await LabelSchemaFile.LoadAsync(options.SchemaPath, cancellationToken);
        if (schema.Task != options.Task)
            throw new LocusException($"{options.SchemaPath}: the schema is for {schema.Task.ToName()}, but the run is for {options.Task.ToName()}");
        return schema;
    }

    private async Task<SpecializeResult> RunStagesAsync(StageRunner stages, SpecializeOptions options, LabelSchema schema, List<Example> test,
        IProgress<TrainingProgress>? trainingProgress, CancellationToken cancellationToken)
    {
        var run = stages.Run;
        var baseModel = BuiltinModels.ResolveFolder(options.BaseModel, _logger);
        var labels = schema.Labels.Select(l => l.Name).ToList();
        string Data(string file) => Path.Combine("data", file);

        var split = await stages.StageAsync("split", Full(options.SeedsPath, options.SchemaPath), async () =>
        {
            var seeds = await ReadLabelledAsync(options.SeedsPath, options.Task, schema, cancellationToken);
            var made = SeedSplit.Stratified(seeds, options.DevFraction, options.Seed);
            Directory.CreateDirectory(run.PathOf("data"));
            await ExampleFiles.WriteAsync(run.PathOf(Data("seeds-train.jsonl")), made.Train.Select(AsSeed), cancellationToken);
            await ExampleFiles.WriteAsync(run.PathOf(Data("seeds-dev.jsonl")), made.Dev.Select(AsSeed), cancellationToken);
            return (made, Outcome([Data("seeds-train.jsonl"), Data("seeds-dev.jsonl")],
                $"{made.Train.Count} seeds to train on, {made.Dev.Count} held out as the dev set", ("train", made.Train.Count), ("dev", made.Dev.Count)));
        }, async () => new SeedSplit(await ReadSeedsAsync(run.PathOf(Data("seeds-train.jsonl"))), await ReadSeedsAsync(run.PathOf(Data("seeds-dev.jsonl")))));

        async Task<IReadOnlyList<Example>> ReadSeedsAsync(string path) =>
            (await ExampleFiles.ReadAsync(path, options.Task, cancellationToken)).Select(e => e.Example).ToList();

        var heldOut = split.Dev.Concat(test).Select(e => e.Text).ToList();
        var allSeedTexts = split.Train.Select(e => e.Text).Concat(heldOut).ToList();
        var indexFolder = options.IndexFolder ?? run.PathOf("index");
        var hasCorpus = options.IndexFolder is not null || options.Corpus.Count > 0;

        var retrieved = await stages.StageAsync("retrieve", options.IndexFolder is null ? Full([.. options.Corpus]) : Full(options.IndexFolder), async () =>
        {
            if (!hasCorpus)
            {
                await CorpusRetrieval.WriteAsync(run.PathOf(Data("retrieved.jsonl")), [], cancellationToken);
                return ((IReadOnlyList<RetrievedSentence>)[], Outcome([Data("retrieved.jsonl")], "no corpus given: nothing to retrieve", ("retrieved", 0)));
            }
            if (options.IndexFolder is null)
            {
                var ingested = await CorpusRetrieval.IngestAsync(options.Corpus, indexFolder, options.RetrievalEncoder,
                    new SynchronousProgress<IngestProgress>(p => stages.Report("retrieve", $"{p.SentencesSeen:N0} corpus sentences read, {p.IndexCount:N0} indexed")), cancellationToken);
                stages.Report("retrieve", $"indexed {ingested.IndexCount:N0} sentences ({ingested.ExactDuplicates + ingested.NearDuplicates:N0} duplicates dropped)");
            }
            using var retrieval = CorpusRetrieval.Open(indexFolder);
            var excluded = allSeedTexts.Select(TextKey.Of).ToHashSet(StringComparer.Ordinal);
            var found = await retrieval.NeighboursAsync(split.Train, options.NeighboursPerSeed, excluded, cancellationToken);
            await CorpusRetrieval.WriteAsync(run.PathOf(Data("retrieved.jsonl")), found, cancellationToken);
            return (found, Outcome([Data("retrieved.jsonl")], $"{found.Count} distinct corpus sentences near the {split.Train.Count} training seeds (index of {retrieval.Count:N0})",
                ("retrieved", found.Count), ("index", retrieval.Count)));
        }, async () => await CorpusRetrieval.ReadAsync(run.PathOf(Data("retrieved.jsonl")), cancellationToken));

        var synthetic = await stages.StageAsync("synthesize", [Data("seeds-train.jsonl")], async () =>
        {
            using var retriever = hasCorpus ? CorpusRetrieval.Open(indexFolder) : null;
            var outcome = await SynthesisStep.RunAsync(options, schema, split.Train, retriever, allSeedTexts,
                new SynchronousProgress<string>(m => stages.Report("synthesize", m)), _logger, cancellationToken,
                llmCacheFolder: options.Llm.CacheFolder ?? LlmCacheFolder(run.Reference.Name));
            await ExampleFiles.WriteAsync(run.PathOf(Data("synthetic.jsonl")), outcome.Examples, cancellationToken);
            await RejectedSampleFile.WriteAsync(run.PathOf(Data("synthesis-rejects.jsonl")), outcome.Rejects, cancellationToken);
            var mode = outcome.Mode.ToString().ToLowerInvariant();
            await run.UpdateAsync(m => m.Settings["synthesis_mode_used"] = mode, cancellationToken);
            var counts = new List<(string, long)> { ("produced", outcome.Examples.Count), ("rejected", outcome.Rejects.Count) };
            var calls = "";
            if (outcome.Usage is { } usage)
            {
                counts.AddRange([("prompt_tokens", usage.PromptTokens), ("completion_tokens", usage.CompletionTokens), ("requests", usage.Requests),
                    ("cache_hits", usage.CachedRequests), ("http_attempts", usage.HttpAttempts), ("retries", usage.Retries), ("stalls", usage.Stalls),
                    ("malformed_answers", usage.MalformedAnswers)]);
                calls = string.Create(CultureInfo.InvariantCulture, $"; {usage.Requests} requests ({usage.CachedRequests} from the cache), {usage.HttpAttempts} HTTP attempts, {usage.Retries} retries, {usage.Stalls} stalls, {usage.MalformedAnswers} malformed answers, {usage.PromptTokens:N0} + {usage.CompletionTokens:N0} tokens");
            }
            return (outcome.Examples, Outcome([Data("synthetic.jsonl"), Data("synthesis-rejects.jsonl")],
                $"{mode} synthesis: {outcome.Examples.Count} examples kept, {outcome.Rejects.Count} rejected{calls}", [.. counts]));
        }, async () => (IReadOnlyList<SynthesizedExample>)await ExampleFiles.ReadAsync(run.PathOf(Data("synthetic.jsonl")), options.Task, cancellationToken));

        var seedsPerLabel = MostSeedsOfAnyLabel(split.Train);
        var trainSeeds = split.Train.Select(AsSeed).ToList();
        var cap = options.MaxGeneratedPerLabel ?? 20 * seedsPerLabel;
        var pseudo = await stages.StageAsync("self-train", [Data("seeds-train.jsonl"), Data("seeds-dev.jsonl"), Data("synthetic.jsonl"), Data("retrieved.jsonl")], async () =>
        {
            var made = new List<SynthesizedExample>();
            var rounds = new List<SelfTrainingRound>();
            if (options.SelfTrainingRounds > 0 && retrieved.Count > 0)
            {
                var selfTraining = new SelfTraining(baseModel, labels, options.FineTune, _logger)
                {
                    Threshold = options.EffectivePseudoLabelThreshold(labels.Count),
                    PerLabelCap = options.PseudoLabelsPerLabel ?? 5 * seedsPerLabel,
                };
                var teachers = run.PathOf("teachers");
                // The teacher learns from what the student will: the synthetic data under the same per-label cap.
                var teacherData = TrainingSetCombiner.Combine([.. trainSeeds, .. synthetic], heldOut, cap).Examples;
                var (kept, summaries) = selfTraining.Run(teacherData, split.Dev, retrieved, options.SelfTrainingRounds, heldOut, teachers,
                    trainingProgress, cancellationToken);
                made.AddRange(kept);
                rounds.AddRange(summaries);
                if (Directory.Exists(teachers)) Directory.Delete(teachers, recursive: true);
                if (options.Task == DataTask.Ner && SynthesisStep.Resolve(options) == SynthesisMode.Offline && kept.Count > 0)
                    made.AddRange(MentionsFromPseudoLabels(options, split.Train, kept, allSeedTexts.Concat(synthetic.Select(s => s.Example.Text))));
            }
            await ExampleFiles.WriteAsync(run.PathOf(Data("self-training.jsonl")), made, cancellationToken);
            await run.UpdateAsync(m => m.Metrics["self_training"] = JsonSerializer.SerializeToNode(rounds, LocusJson.Options), cancellationToken);
            var note = rounds.Count == 0
                ? (retrieved.Count == 0 ? "no retrieved sentences: self-training skipped" : "self-training is off")
                : string.Join("; ", rounds.Select(r => string.Create(CultureInfo.InvariantCulture,
                    $"round {r.Round}: teacher dev {r.TeacherDevScore:F3}, {r.Kept} of {r.Candidates} sentences kept ({r.BelowThreshold} below {options.EffectivePseudoLabelThreshold(labels.Count):0.###}, {r.OverCap} over the cap)")));
            return ((IReadOnlyList<SynthesizedExample>)made, Outcome([Data("self-training.jsonl")], note,
                ("pseudo_labelled", made.Count(e => e.Provenance.Source == ExampleSource.PseudoLabelled)),
                ("mention_replacement", made.Count(e => e.Provenance.Source == ExampleSource.SyntheticMentionReplacement))));
        }, async () => (IReadOnlyList<SynthesizedExample>)await ExampleFiles.ReadAsync(run.PathOf(Data("self-training.jsonl")), options.Task, cancellationToken));

        var training = await stages.StageAsync("combine", [Data("seeds-train.jsonl"), Data("synthetic.jsonl"), Data("self-training.jsonl")], async () =>
        {
            var combined = TrainingSetCombiner.Combine([.. trainSeeds, .. synthetic, .. pseudo], heldOut, cap);
            await ExampleFiles.WriteAsync(run.PathOf(Data("train.jsonl")), combined.Examples, cancellationToken);
            var sources = string.Join(", ", combined.KeptPerSource.Select(p => $"{p.Value} {p.Key}"));
            var overCap = combined.OverCap == 0 ? "0" : $"{combined.OverCap} ({string.Join(", ", combined.OverCapPerSource.Select(p => $"{p.Value} {p.Key}"))})";
            return (combined.Examples, Outcome([Data("train.jsonl")],
                $"{combined.Examples.Count} training examples ({sources}); dropped {combined.Duplicates} duplicates, {combined.HeldOut} held-out texts, {overCap} over the per-label cap of {cap}",
                [("examples", combined.Examples.Count), ("duplicates", combined.Duplicates), ("held_out", combined.HeldOut), ("over_cap", combined.OverCap),
                    .. combined.KeptPerSource.Select(p => ("source:" + p.Key, (long)p.Value))]));
        }, async () => (IReadOnlyList<SynthesizedExample>)await ExampleFiles.ReadAsync(run.PathOf(Data("train.jsonl")), options.Task, cancellationToken));

        var modelFolder = run.PathOf("model");
        var refitSkipped = RefitSkipReason(options);
        var refits = refitSkipped is null;
        var selectionFolder = refits ? run.PathOf(SelectionFolder) : modelFolder;
        var trainExamples = training.Select(e => e.Example).ToList();
        var bestEpoch = await stages.StageAsync("train", [Data("train.jsonl"), Data("seeds-dev.jsonl"), .. Full(baseModel)], () =>
        {
            using var model = new FineTuner(_logger).Train(baseModel, trainExamples, split.Dev, labels, options.FineTune,
                selectionFolder, out var result, trainingProgress, cancellationToken);
            var phase = result.Phases[^1];
            var contrastive = result.Contrastive is { } c
                ? string.Create(CultureInfo.InvariantCulture, $"contrastive tuning of the encoder kept epoch {c.BestEpoch} of {c.EpochsRun} (dev {c.BestDevMetric:F4}); ")
                : "";
            return Task.FromResult((phase.BestEpoch, Outcome([Path.GetFileName(selectionFolder)],
                string.Create(CultureInfo.InvariantCulture, $"{options.FineTune.Mode.ToString().ToLowerInvariant()}: {result.TrainableParameters:N0} of {result.TotalParameters:N0} parameters trained; {contrastive}best dev {phase.BestDevMetric:F4} at epoch {phase.BestEpoch} of {phase.EpochsRun}"),
                ("trainable_parameters", result.TrainableParameters), ("epochs", phase.EpochsRun), ("best_epoch", phase.BestEpoch))));
        }, () => Task.FromResult((int)run.Manifest.FindStage("train")!.Counts["best_epoch"]));

        await stages.StageAsync("refit", [Data("train.jsonl"), Data("seeds-dev.jsonl"), .. Full(baseModel)], () =>
        {
            if (!refits)
                return Task.FromResult((false, Outcome([], options.RefitOnAllSeeds ? $"not refitted: {refitSkipped}" : "off: the model that chose the epochs is the final one")));
            var refit = options.FineTune.Clone();
            refit.Training.StopAfterEpoch = bestEpoch;
            using var model = new FineTuner(_logger).Train(baseModel, [.. trainExamples, .. split.Dev], split.Dev, labels, refit,
                modelFolder, out _, trainingProgress, cancellationToken);
            return Task.FromResult((true, Outcome(["model"],
                $"trained again on the {trainExamples.Count} training examples and the {split.Dev.Count} dev seeds for the {bestEpoch} epoch(s) the dev seeds chose",
                ("examples", trainExamples.Count + split.Dev.Count), ("epochs", bestEpoch))));
        }, () => Task.FromResult(true));

        var metrics = await stages.StageAsync("evaluate", ["model", .. refits ? [SelectionFolder] : Array.Empty<string>(), Data("seeds-dev.jsonl"), .. options.TestPath is null ? [] : Full(options.TestPath)], async () =>
        {
            var scores = new JsonObject();
            JsonObject? selectionTest = null;
            if (refits)
            {
                // The dev score is the selection model's: the refitted one has trained on the dev seeds.
                using var selection = TrainedModel.Load(selectionFolder, baseModel, _logger);
                scores["dev"] = ModelScores.Evaluate(selection, split.Dev, cancellationToken);
                if (test.Count > 0) selectionTest = ModelScores.Evaluate(selection, test, cancellationToken);
            }
            using var model = TrainedModel.Load(modelFolder, baseModel, _logger);
            if (!refits) scores["dev"] = ModelScores.Evaluate(model, split.Dev, cancellationToken);
            if (test.Count > 0) scores["test"] = ModelScores.Evaluate(model, test, cancellationToken);
            if (selectionTest is not null) scores["selection_test"] = selectionTest;
            await MetricsFile.WriteAsync(run.PathOf(MetricsFile.FileName), scores, cancellationToken);
            return (scores, Outcome([MetricsFile.FileName], Headline(scores)));
        }, () => MetricsFile.ReadAsync(run.PathOf(MetricsFile.FileName), cancellationToken));

        await run.UpdateAsync(m =>
        {
            foreach (var (key, value) in metrics) m.Metrics[key] = value?.DeepClone();
        }, cancellationToken);
        await run.AddArtefactAsync("model", "model", cancellationToken);
        return new SpecializeResult(run.Reference, modelFolder, metrics, Resumed: false, stages.Reused);
    }

    /// <summary>
    /// The LLM response cache of run <paramref name="name"/>: <c>RUNSTORE/NAME/llm-cache</c>, beside its versions and
    /// shared by them (answers are keyed by endpoint, model, prompt and sampling settings), so that rerunning a completed
    /// run, which makes a new version, repeats no call. <c>LOCUS_LLM_CACHE</c> names another folder.
    /// </summary>
    public string LlmCacheFolder(string name) => Path.Combine(store.NameFolder(name), "llm-cache");

    /// <summary>Whether an unfinished version with the same settings has completed its synthesize stage (read only).</summary>
    private async Task<bool> SynthesisDoneInResumableRunAsync(string name, JsonObject settings, CancellationToken cancellationToken)
    {
        if (await store.FindResumableAsync(name, cancellationToken) is not { } unfinished) return false;
        var manifest = await store.LoadAsync(unfinished, cancellationToken);
        manifest.Settings.Remove("synthesis_mode_used");
        return ContentHash.OfJson(manifest.Settings) == ContentHash.OfJson(settings) && manifest.FindStage("synthesize")?.Status == StageStatus.Completed;
    }

    private async Task<(ActiveRun Run, ResumePlan? Plan)> OpenRunAsync(string name, SpecializeOptions options, JsonObject settings,
        IReadOnlyDictionary<string, string> fingerprints, CancellationToken cancellationToken)
    {
        if (await store.FindResumableAsync(name, cancellationToken) is { } unfinished)
        {
            var manifest = await store.LoadAsync(unfinished, cancellationToken);
            manifest.Settings.Remove("synthesis_mode_used");
            if (ContentHash.OfJson(manifest.Settings) == ContentHash.OfJson(settings))
            {
                var resumed = await store.ResumeAsync(unfinished, cancellationToken);
                var plan = await resumed.PlanResumeAsync(fingerprints, cancellationToken);
                _logger.LogInformation("Resuming {Run}: reusing {Stages}", unfinished, string.Join(", ", plan.ReusableStages));
                return (resumed, plan);
            }
            _logger.LogInformation("{Run} did not finish but its settings differ: starting a new version", unfinished);
        }
        IEnumerable<string> inputs = [options.SchemaPath, options.SeedsPath, .. options.Corpus];
        if (options.TestPath is not null) inputs = inputs.Append(options.TestPath);
        var run = await store.CreateAsync(new RunRequest { Name = name, Task = options.Task, Settings = settings, Inputs = Full([.. inputs]) }, cancellationToken);
        return (run, null);
    }

    private static void Validate(SpecializeOptions options)
    {
        foreach (var (path, what) in new[] { (options.SchemaPath, "schema"), (options.SeedsPath, "seeds"), (options.TestPath, "test set") })
            if (path is not null && !File.Exists(path)) throw new LocusException($"{path}: {what} file not found");
        foreach (var path in options.Corpus)
            if (!File.Exists(path) && !Directory.Exists(path)) throw new LocusException($"{path}: corpus file or folder not found");
        if (!Directory.Exists(options.BaseModel) && !BuiltinModels.IsBuiltinReference(options.BaseModel)) throw new LocusException($"{options.BaseModel}: base model folder not found");
        if (options.IndexFolder is not null && options.Corpus.Count > 0) throw new LocusException("give either a corpus to ingest or an existing index, not both");
        if (options.IndexFolder is not null)
        {
            if (!Directory.Exists(options.IndexFolder)) throw new LocusException($"{options.IndexFolder}: index folder not found");
            IngestCheckpoint.EnsureComplete(options.IndexFolder);
        }
        if (options.NeighboursPerSeed < 1) throw new LocusException($"neighbours per seed must be positive, got {options.NeighboursPerSeed}");
        if (options.SelfTrainingRounds < 0) throw new LocusException($"self-training rounds may not be negative, got {options.SelfTrainingRounds}");
        if (options.PseudoLabelThreshold is < 0 or > 1) throw new LocusException($"the pseudo-label threshold must be in [0, 1], got {options.PseudoLabelThreshold}");
        if (options.FineTune.Task != options.Task) throw new LocusException($"the fine-tuning options are for {options.FineTune.Task.ToName()}, the run for {options.Task.ToName()}");
        SynthesisStep.Resolve(options);
    }

    /// <summary>Reads labelled data and checks every label against the schema (file and line in the error).</summary>
    private static async Task<List<Example>> ReadLabelledAsync(string path, DataTask task, LabelSchema schema, CancellationToken cancellationToken)
    {
        var examples = new List<Example>();
        await foreach (var record in DatasetReader.ReadAsync(path, new DatasetReadOptions { Task = task }, cancellationToken: cancellationToken))
        {
            if (record.Example.Task != task)
                throw new DataFormatException(record.Source, record.Line, null, $"a {record.Example.Task.ToName()} example in {task.ToName()} data");
            if (SeedSplit.LabelsOf(record.Example).FirstOrDefault(l => !schema.Contains(l)) is { } unknown)
                throw new DataFormatException(record.Source, record.Line, task == DataTask.Ner ? "spans" : "label",
                    $"label '{unknown}' is not in the schema ({string.Join(", ", schema.Labels.Select(l => l.Name))})");
            examples.Add(record.Example);
        }
        if (examples.Count == 0) throw new LocusException($"{path}: no examples");
        return examples;
    }

    private static IEnumerable<SynthesizedExample> MentionsFromPseudoLabels(SpecializeOptions options, IReadOnlyList<Example> seeds,
        IReadOnlyList<SynthesizedExample> pseudo, IEnumerable<string> existing)
    {
        var settings = options.MentionReplacement;
        var generator = new MentionReplacementGenerator(new MentionReplacementOptions
        {
            MaxPerSeed = settings.MaxPerSeed, ReplacementProbability = settings.ReplacementProbability,
            MaxAttemptsPerSeed = settings.MaxAttemptsPerSeed, Seed = settings.Seed + 1,
        });
        return generator.Generate(seeds.Cast<NerExample>().ToList(), pseudo.Select(p => (NerExample)p.Example).ToList(), existing)
            .Select(e => e with { Example = e.Example with { Id = e.Example.Id + "-pseudo-pool" } });
    }

    /// <summary>Why the final model is not trained again on all the seeds (null: it is).</summary>
    private static string? RefitSkipReason(SpecializeOptions options) =>
        !options.RefitOnAllSeeds ? "off"
        : options.FineTune.UnfreezeTopLayers > 0 ? "staged unfreezing also chooses its weights on the dev seeds"
        : options.FineTune.ContrastiveEpochs > 0 && options.Task == DataTask.Classification ? "contrastive tuning also chooses its epoch on the dev seeds"
        : null;

    /// <summary>Absolute paths: relative stage inputs would be taken as paths inside the run folder.</summary>
    private static string[] Full(params string[] paths) => [.. paths.Select(Path.GetFullPath)];

    private static SynthesizedExample AsSeed(Example example) => new(example, ExampleProvenance.ForSeed());

    private static int MostSeedsOfAnyLabel(IReadOnlyList<Example> seeds) =>
        Math.Max(1, seeds.SelectMany(SeedSplit.LabelsOf).GroupBy(l => l, StringComparer.Ordinal).Select(g => g.Count()).DefaultIfEmpty(1).Max());

    private static StageOutcome Outcome(IReadOnlyList<string> outputs, string notes, params (string Name, long Count)[] counts) =>
        new() { Outputs = outputs, Notes = notes, Counts = counts.ToDictionary(c => c.Name, c => c.Count, StringComparer.Ordinal) };

    private static string Headline(JsonObject scores) => string.Join(", ", scores.Select(p =>
    {
        var score = p.Value!["f1"] is { } f1 ? $"F1 {f1.GetValue<double>():F4}" : $"accuracy {p.Value!["accuracy"]!.GetValue<double>():F4}";
        return string.Create(CultureInfo.InvariantCulture, $"{p.Key} {score} ({p.Value!["examples"]} examples)");
    }));

    /// <summary>Every setting that shapes the run, as recorded in the manifest (the API key never is).</summary>
    private static JsonObject Settings(SpecializeOptions options, Dictionary<string, JsonNode?> stageSettings) => new()
    {
        ["task"] = options.Task.ToName(),
        ["schema"] = Path.GetFullPath(options.SchemaPath),
        ["seeds"] = Path.GetFullPath(options.SeedsPath),
        ["base_model"] = Path.GetFullPath(options.BaseModel),
        ["corpus"] = new JsonArray([.. options.Corpus.Select(c => (JsonNode)Path.GetFullPath(c))]),
        ["index"] = options.IndexFolder is null ? null : Path.GetFullPath(options.IndexFolder),
        ["test"] = options.TestPath is null ? null : Path.GetFullPath(options.TestPath),
        ["stages"] = new JsonObject(stageSettings.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value?.DeepClone()))),
    };

    private static Dictionary<string, JsonNode?> StageSettings(SpecializeOptions options) => new(StringComparer.Ordinal)
    {
        ["split"] = Json(new { options.DevFraction, options.Seed }),
        ["retrieve"] = Json(new { options.NeighboursPerSeed, Encoder = options.IndexFolder is null ? options.RetrievalEncoder.Describe() : null }),
        ["synthesize"] = Json(new
        {
            Mode = options.Synthesis.ToString(), Llm = options.Llm.IsConfigured ? options.Llm.ToRecord() : null,
            LlmSynthesis = options.Llm.IsConfigured ? options.LlmSynthesis : null, options.MentionReplacement, options.Eda,
        }),
        ["self-train"] = Json(new { options.SelfTrainingRounds, options.PseudoLabelThreshold, options.PseudoLabelsPerLabel, options.FineTune }),
        ["combine"] = Json(new { options.MaxGeneratedPerLabel }),
        ["train"] = Json(options.FineTune),
        ["refit"] = Json(new { options.RefitOnAllSeeds }),
        ["evaluate"] = Json(new { options.TestPath }),
    };

    private static JsonNode? Json<T>(T value) => JsonSerializer.SerializeToNode(value, SettingsJson);

    // Not LocusJson.Options: the stage fingerprints hash these settings, and enum values or null members written
    // differently would make every run recorded before look changed, so that rerunning it would not resume it.
    private static readonly JsonSerializerOptions SettingsJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}
