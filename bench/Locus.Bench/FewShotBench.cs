using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Locus.Data;
using Locus.Models.Builtin;
using Locus.Retrieval.Embeddings;
using Locus.Specialization.Pipeline;
using Locus.Specialization.Runs;
using Locus.Specialization.Steps;
using Locus.Synthesis;
using Locus.Training.FineTuning;
using static TorchSharp.torch;

namespace Locus.Bench;

/// <summary>
/// The few-shot grid: data sets × sampling seeds × conditions, on a built-in encoder. Conditions: probe (logistic
/// regression on the frozen encoder's sentence embeddings of the seeds; classification only), seeds (fine-tuning on the
/// seeds alone, 20 % held out as dev), lora and full (<c>specialize</c> offline with LoRA or full fine-tuning; the
/// corpus is the rest of the training split without labels), all (the whole training split). Every finished cell is
/// appended to WORK/cells.jsonl, so an interrupted grid resumes; the summary (mean ± std over sampling seeds) goes to
/// --out (.json and .md).
/// Usage: fewshot --work DIR [--sets banking77,trec] [--seeds 13,21,42] [--conditions probe,seeds,lora] [--per-label 10]
///   [--data ../shared/data] [--base builtin:all-MiniLM-L6-v2] [--epochs 20] [--patience 5] [--corpus-limit 5000]
///   [--test-limit 1000] [--self-training 1] [--rank 16] [--retrieval on|off] [--synthesis auto|offline|llm|none (auto: an LLM when LOCUS_LLM_ENDPOINT/LOCUS_LLM_MODEL are set)] [--pseudo-per-label N (0: the pipeline's default)] [--refit on|off] [--tag NAME] [--out bench/results/fewshot.json]
/// </summary>
internal static class FewShotBench
{
    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        int Int(string name, int fallback) => int.Parse(Arg(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var work = Path.GetFullPath(Arg("--work", "fewshot-work"));
        var settings = new CellSettings(
            Arg("--base", BuiltinModels.DefaultReference), Int("--per-label", 10), Int("--epochs", 20), Int("--patience", 5), Int("--corpus-limit", 5000),
            Int("--test-limit", 1000), Int("--self-training", 1), Int("--rank", 16), Arg("--retrieval", "on") == "on", Arg("--tag", "default"),
            Enum.Parse<SynthesisMode>(Arg("--synthesis", "auto"), ignoreCase: true), Int("--pseudo-per-label", 0), Arg("--refit", "on") == "on");
        var sets = Arg("--sets", "banking77,trec").Split(',');
        var seeds = Arg("--seeds", "13,21,42").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var conditions = Arg("--conditions", "probe,seeds,lora").Split(',');
        var output = Arg("--out", "bench/results/fewshot.json");
        Directory.CreateDirectory(work);
        var cellsPath = Path.Combine(work, "cells.jsonl");
        var done = File.Exists(cellsPath) ? File.ReadLines(cellsPath).Select(l => JsonNode.Parse(l)!.AsObject()).ToList() : [];

        foreach (var set in sets)
        {
            var data = await FewShotDataSet.LoadAsync(set, Arg("--data", Path.Combine("..", "shared", "data")));
            var test = data.Test.Take(settings.TestLimit).ToList();
            foreach (var seed in seeds)
                foreach (var condition in conditions)
                {
                    if (condition == "probe" && data.Task == DataTask.Ner) continue;
                    if (condition == "all" && seed != seeds[0]) continue; // the full training set does not depend on the sampling seed
                    var key = $"{settings.Tag}|{set}|{seed}|{condition}|{settings.PerLabel}";
                    if (done.Any(c => c["key"]!.GetValue<string>() == key)) continue;
                    Console.Error.WriteLine($"[fewshot] {key} ({File.ReadAllText("/proc/loadavg").Split(' ')[0]} load)");
                    var clock = Stopwatch.StartNew();
                    var folder = Path.Combine(work, settings.Tag, set, seed.ToString(CultureInfo.InvariantCulture), condition);
                    var (score, notes, selectionScore) = await RunCellAsync(data, data.Sample(settings.PerLabel, seed), test, condition, seed, settings, folder);
                    var cell = new JsonObject
                    {
                        ["key"] = key, ["tag"] = settings.Tag, ["set"] = set, ["seed"] = seed, ["condition"] = condition, ["per_label"] = settings.PerLabel,
                        ["metric"] = data.Task == DataTask.Ner ? "entity micro-F1" : "accuracy", ["score"] = score, ["seconds"] = clock.Elapsed.TotalSeconds,
                        ["test_examples"] = test.Count, ["notes"] = notes, ["settings"] = JsonSerializer.SerializeToNode(settings, LocusJson.Options),
                    };
                    // specialize's model before the refit on all the seeds: the same run's paired no-refit score.
                    if (selectionScore is { } selection) cell["selection_score"] = selection;
                    File.AppendAllText(cellsPath, cell.ToJsonString() + "\n");
                    done.Add(cell);
                    Console.Error.WriteLine($"[fewshot] {key}: {score:F4} in {clock.Elapsed.TotalMinutes:F1} min");
                }
        }
        WriteSummary(done, output);
        return 0;
    }

    internal sealed record CellSettings(string Base, int PerLabel, int Epochs, int Patience, int CorpusLimit, int TestLimit, int SelfTraining, int Rank, bool Retrieval, string Tag,
        SynthesisMode Synthesis, int PseudoPerLabel, bool Refit);

    static async Task<(double Score, string Notes, double? SelectionScore)> RunCellAsync(FewShotDataSet data, IReadOnlyList<Example> seeds, IReadOnlyList<Example> test, string condition,
        int seed, CellSettings settings, string folder)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        switch (condition)
        {
            case "probe":
                return (Probe(settings.Base, seeds, test, data.Labels), $"{seeds.Count} seeds", null);
            case "seeds":
            {
                var split = SeedSplit.Stratified(seeds, 0.2, seed);
                var (score, notes) = Train(settings.Base, split.Train, split.Dev, data, test, FineTune(data.Task, FineTuneMode.Lora, settings, seed), Path.Combine(folder, "model"), $"{split.Train.Count} train / {split.Dev.Count} dev seeds");
                return (score, notes, null);
            }
            case "all":
            {
                var shuffled = data.Train.ToArray();
                new Random(seed).Shuffle(shuffled);
                var dev = shuffled.Take(Math.Min(500, shuffled.Length / 10)).ToList();
                // The same epoch budget and patience as the few-shot conditions: a small split (CrossNER's 100 sentences)
                // needs the passes, a large one stops early on its dev set.
                var options = FineTune(data.Task, FineTuneMode.Lora, settings, seed);
                var (score, notes) = Train(settings.Base, shuffled.Skip(dev.Count).ToList(), dev, data, test, options, Path.Combine(folder, "model"), $"{shuffled.Length - dev.Count} train / {dev.Count} dev, at most {options.Training.Epochs} epochs");
                return (score, notes, null);
            }
            case "lora" or "full":
                return await SpecializeAsync(data, seeds, test, condition == "full" ? FineTuneMode.Full : FineTuneMode.Lora, seed, settings, folder);
            default:
                throw new ArgumentException($"unknown condition '{condition}' (probe, seeds, lora, full, all)");
        }
    }

    static FineTuneOptions FineTune(DataTask task, FineTuneMode mode, CellSettings settings, int seed) => new()
    {
        Task = task, Mode = mode, LoraRank = settings.Rank, LoraAlpha = 2 * settings.Rank, MaxLength = 128, Stride = 32,
        Training = new Locus.Training.Trainer.TrainerOptions
        {
            Epochs = settings.Epochs, Patience = settings.Patience, LearningRate = FineTuneOptions.DefaultLearningRate(mode), BatchSize = 16, Seed = seed,
        },
    };

    static (double Score, string Notes) Train(string baseModel, IReadOnlyList<Example> train, IReadOnlyList<Example> dev, FewShotDataSet data, IReadOnlyList<Example> test,
        FineTuneOptions options, string folder, string notes)
    {
        using var model = new FineTuner().Train(baseModel, train, dev, data.Labels, options, folder, out var result);
        var scores = ModelScores.Evaluate(model, test, CancellationToken.None);
        var phase = result.Phases[0];
        var contrastive = result.Contrastive is { } c ? $"; contrastive: dev {string.Join("/", c.DevCurve.Select(d => d.ToString("F3", CultureInfo.InvariantCulture)))}, kept epoch {c.BestEpoch}" : "";
        return (Headline(scores), $"{notes}{contrastive}; best dev {phase.BestDevMetric:F4} at epoch {phase.BestEpoch} of {phase.EpochsRun}");
    }

    static async Task<(double, string, double?)> SpecializeAsync(FewShotDataSet data, IReadOnlyList<Example> seeds, IReadOnlyList<Example> test, FineTuneMode mode, int seed,
        CellSettings settings, string folder)
    {
        var seedTexts = seeds.Select(s => s.Text).ToHashSet(StringComparer.Ordinal);
        var testTexts = test.Select(s => s.Text).ToHashSet(StringComparer.Ordinal);
        var corpus = data.Train.Where(e => !seedTexts.Contains(e.Text) && !testTexts.Contains(e.Text)).Select(e => e.Text).Take(settings.CorpusLimit).ToList();
        var schemaPath = Path.Combine(folder, "labels.json");
        await LabelSchemaFile.SaveAsync(new LabelSchema(data.Task, data.Labels.Select(l => new LabelDefinition(l))), schemaPath);
        await WriteAsync(Path.Combine(folder, "seeds.jsonl"), seeds);
        await WriteAsync(Path.Combine(folder, "test.jsonl"), test);
        await File.WriteAllLinesAsync(Path.Combine(folder, "corpus.txt"), corpus);
        var options = new SpecializeOptions
        {
            Task = data.Task, SchemaPath = schemaPath, SeedsPath = Path.Combine(folder, "seeds.jsonl"), BaseModel = settings.Base,
            Corpus = settings.Retrieval ? [Path.Combine(folder, "corpus.txt")] : [], TestPath = Path.Combine(folder, "test.jsonl"), Seed = seed,
            Synthesis = settings.Synthesis, Llm = LlmEndpointOptions.FromEnvironment(), SelfTrainingRounds = settings.SelfTraining,
            PseudoLabelsPerLabel = settings.PseudoPerLabel > 0 ? settings.PseudoPerLabel : null, FineTune = FineTune(data.Task, mode, settings, seed),
            RefitOnAllSeeds = settings.Refit,
        };
        var result = await new SpecializationPipeline(new RunStore(Path.Combine(folder, "runs"))).RunAsync("run", options,
            new SynchronousProgress<SpecializeProgress>(p => Console.Error.WriteLine($"  [{p.Stage}] {p.Message}")));
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(result.Run.Folder, RunStore.ManifestFileName)))!;
        var notes = string.Join("; ", manifest["stages"]!.AsArray().Select(s => $"{s!["name"]}: {s["notes"]?.ToJsonString() ?? ""}"));
        return (Headline(result.Metrics["test"]!.AsObject()), notes, result.Metrics["selection_test"] is JsonObject selection ? Headline(selection) : null);
    }

    static Task WriteAsync(string path, IEnumerable<Example> examples) =>
        JsonlWriter.WriteFileAsync(path, examples.Select((e, i) => new DataRecord(e, path, i + 1)).ToAsyncEnumerable());

    static double Headline(JsonObject scores) => (scores["accuracy"] ?? scores["f1"])!.GetValue<double>();

    // Logistic regression on the frozen encoder's normalised mean embeddings, as the issue's linear probe.
    static double Probe(string baseModel, IReadOnlyList<Example> seeds, IReadOnlyList<Example> test, IReadOnlyList<string> labels)
    {
        using var encoder = new TransformerSentenceEncoder(new TransformerEncoderOptions { ModelPath = BuiltinModels.ResolveFolder(baseModel) });
        var index = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => (long)p.i, StringComparer.Ordinal);
        using var scope = NewDisposeScope();
        var x = tensor(encoder.EncodeAsync(seeds.Select(s => s.Text).ToList()).GetAwaiter().GetResult().SelectMany(v => v).ToArray(), [seeds.Count, encoder.Dimension]);
        var y = tensor(seeds.Cast<ClassificationExample>().Select(s => index[s.Labels[0]]).ToArray());
        var (weight, bias) = LogisticRegression.Fit(x, y, labels.Count, multiLabel: false);
        var t = tensor(encoder.EncodeAsync(test.Select(s => s.Text).ToList()).GetAwaiter().GetResult().SelectMany(v => v).ToArray(), [test.Count, encoder.Dimension]);
        var predicted = (t.matmul(weight.t()) + bias).argmax(1);
        var truth = tensor(test.Cast<ClassificationExample>().Select(s => index.GetValueOrDefault(s.Labels[0], -1)).ToArray());
        return predicted.eq(truth).to(ScalarType.Float32).mean().item<float>();
    }

    static void WriteSummary(List<JsonObject> cells, string output)
    {
        var groups = cells.GroupBy(c => (Tag: c["tag"]!.GetValue<string>(), Set: c["set"]!.GetValue<string>(), Condition: c["condition"]!.GetValue<string>(), PerLabel: c["per_label"]!.GetValue<int>()))
            .OrderBy(g => g.Key.Set, StringComparer.Ordinal).ThenBy(g => g.Key.Tag, StringComparer.Ordinal).ThenBy(g => Array.IndexOf(new[] { "probe", "seeds", "lora", "full", "all" }, g.Key.Condition));
        var rows = new List<object>();
        var table = new List<string> { "| data set | settings | condition | per label | n | score (mean ± std) | minutes per run |", "|---|---|---|---:|---:|---|---:|" };
        foreach (var g in groups)
        {
            var scores = g.Select(c => c["score"]!.GetValue<double>()).ToList();
            var mean = scores.Average();
            var std = scores.Count > 1 ? Math.Sqrt(scores.Sum(s => (s - mean) * (s - mean)) / (scores.Count - 1)) : 0;
            var minutes = g.Average(c => c["seconds"]!.GetValue<double>()) / 60;
            rows.Add(new { tag = g.Key.Tag, set = g.Key.Set, condition = g.Key.Condition, per_label = g.Key.PerLabel, n = scores.Count, mean, std, scores, minutes });
            table.Add(string.Create(CultureInfo.InvariantCulture, $"| {g.Key.Set} | {g.Key.Tag} | {g.Key.Condition} | {g.Key.PerLabel} | {scores.Count} | {mean:0.000} ± {std:0.000} | {minutes:0.0} |"));
        }
        BenchReport.Write(output, "fewshot", new { rows, cells });
        File.WriteAllLines(Path.ChangeExtension(output, ".md"), table);
        Console.WriteLine(string.Join('\n', table));
    }
}
