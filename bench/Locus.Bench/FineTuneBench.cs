using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Locus.Models.Encoders;
using Locus.Training.FineTuning;
using Locus.Training.Lora;
using Locus.Training.Tasks;
using Locus.Training.Trainer;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Locus.Bench;

/// <summary>
/// LoRA against full fine-tuning on randomly initialised encoders of published shapes (<see cref="EncoderThroughputBench.Configs"/>):
/// trainable parameters, adapter file against full model file (both written), token-classification training step time
/// and peak memory for LoRA, LoRA with <see cref="Bf16LinearAutocast"/> and full fine-tuning, and inference throughput
/// in float32 and bfloat16. Each training mode runs in a child process (this executable, mode <c>finetune-step</c>)
/// whose peak resident memory (VmHWM) is read from /proc/self/status, next to a child that only builds the model.
/// </summary>
public static class FineTuneBench
{
    const string ChildMode = "finetune-step";
    const string AdapterName = "default";
    static readonly string[] TrainingModes = ["load", "lora", "lora-bf16", "full"];
    static readonly string[] Labels = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"];

    /// <summary>
    /// Runs the benchmark. Options: --configs deberta-v3-xsmall,deberta-v3-small,deberta-v3-base,bert-base --batch 8 --seq 64
    /// --warmup 3 --steps 5 --rank 32 (adapters of rank 8 and 16 are written too, for their size) --infer-batch 32 --infer-seq 32 --infer-iterations 3 --threads 2 --work /tmp/locus-finetune-bench
    /// --out bench-results/finetune.json.
    /// </summary>
    public static int Run(string[] args)
    {
        Dictionary<string, string> values;
        try { values = ParseArgs(args, ["configs", "batch", "seq", "warmup", "steps", "rank", "infer-batch", "infer-seq", "infer-iterations", "threads", "work", "out"]); }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"finetune: {e.Message}");
            return 2;
        }
        string Get(string key, string fallback) => values.TryGetValue(key, out var v) ? v : fallback;
        int Int(string key, int fallback) => int.Parse(Get(key, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var configs = Get("configs", "deberta-v3-xsmall,deberta-v3-small,deberta-v3-base,bert-base").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var (batch, seq, warmup, steps, rank, threads) = (Int("batch", 8), Int("seq", 64), Int("warmup", 3), Int("steps", 5), Int("rank", 32), Int("threads", 2));
        var (inferBatch, inferSeq, inferIterations) = (Int("infer-batch", 32), Int("infer-seq", 32), Int("infer-iterations", 3));
        var work = Get("work", Path.Combine(Path.GetTempPath(), "locus-finetune-bench"));
        var output = Get("out", Path.Combine("bench-results", "finetune.json"));
        set_num_threads(threads);

        var rows = new List<Row>();
        foreach (var name in configs)
        {
            if (!EncoderThroughputBench.Configs.TryGetValue(name, out var bench))
            {
                Console.Error.WriteLine($"finetune: unknown config '{name}' (known: {string.Join(", ", EncoderThroughputBench.Configs.Keys)})");
                return 2;
            }
            Console.Error.WriteLine($"{name}: parameters and files...");
            var files = MeasureFiles(bench, rank, Path.Combine(work, name));

            var children = new Dictionary<string, ChildResult>();
            foreach (var mode in TrainingModes)
            {
                Console.Error.WriteLine($"{name}: {mode} in a child process ({(mode == "load" ? "model only" : $"{warmup} warm-up + {steps} timed steps of {batch}x{seq}")})...");
                children[mode] = RunChild(["--config", name, "--mode", mode, "--batch", $"{batch}", "--seq", $"{seq}", "--warmup", $"{warmup}", "--steps", $"{steps}", "--rank", $"{rank}", "--threads", $"{threads}"]);
            }

            Console.Error.WriteLine($"{name}: inference {inferBatch}x{inferSeq} in float32 and bfloat16...");
            var config = bench.Create();
            double SentencesPerSecond(ScalarType dtype) => inferBatch / EncoderThroughputBench.TimeForward(config, dtype, inferBatch, inferSeq, 1, inferIterations).Average();
            var fp32 = SentencesPerSecond(ScalarType.Float32);
            var bf16 = SentencesPerSecond(ScalarType.BFloat16);

            var baseline = children["load"].PeakKb;
            Step Step(string mode) => new(Math.Round(children[mode].Seconds.Average(), 3), children[mode].Seconds.Select(s => Math.Round(s, 3)).ToArray(),
                Mib(children[mode].PeakKb), Mib(children[mode].PeakKb - baseline));
            rows.Add(new Row(name, files.TotalParameters, files.LoraTrainable, Math.Round(100.0 * files.LoraTrainable / files.TotalParameters, 2),
                files.FullBytes, files.AdapterBytes, Math.Round(100.0 * files.AdapterBytes / files.FullBytes, 3), files.AdapterPercentByRank, Mib(baseline),
                Step("lora"), Step("lora-bf16"), Step("full"), Math.Round(fp32, 1), Math.Round(bf16, 1), Math.Round(bf16 / fp32, 2)));
        }

        var result = new
        {
            benchmark = "finetune-lora-vs-full",
            timestamp = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            machine = new { Environment.ProcessorCount, threads, os = Environment.OSVersion.ToString() },
            setup = new
            {
                weights = "random, published config shapes",
                lora = $"r={rank}, alpha={2 * rank}, dropout 0.1, default targets (attention projections and feed-forward), head saved in full",
                training = $"token classification ({Labels.Length} labels), batch {batch} x {seq} tokens, AdamW, {warmup} warm-up + {steps} timed steps (forward, loss, backward, step)",
                memory = "VmHWM (peak RSS) of a child process per mode; 'over_load' subtracts a child that only builds the model",
                inference = $"encoder forward, batch {inferBatch} x {inferSeq} tokens, 1 warm-up + {inferIterations} timed",
            },
            results = rows,
        };
        BenchReport.Write(output, "finetune", result);

        Console.WriteLine("| config | params | LoRA trainable | full file MB | adapter MB (% of full; r=8 / 16) | step s: LoRA / LoRA-bf16 / full | peak MiB over load: LoRA / LoRA-bf16 / full (load) | infer sent/s fp32 / bf16 (x) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            Console.WriteLine($"| {r.Config} | {r.TotalParameters / 1e6:F1}M | {r.LoraTrainableParameters / 1e6:F2}M ({r.LoraTrainablePercent}%) | {r.FullFileBytes / 1e6:F1} | " +
                              $"{r.AdapterFileBytes / 1e6:F2} ({r.AdapterPercentOfFull}%; {r.AdapterPercentByRank[8]}% / {r.AdapterPercentByRank[16]}%) | {r.Lora.MeanSeconds:F2} / {r.LoraBf16.MeanSeconds:F2} / {r.Full.MeanSeconds:F2} | " +
                              $"{r.Lora.PeakMibOverLoad:F0} / {r.LoraBf16.PeakMibOverLoad:F0} / {r.Full.PeakMibOverLoad:F0} ({r.LoadPeakMib:F0}) | {r.InferFp32:F1} / {r.InferBf16:F1} ({r.Bf16Speedup}x) |");
        }
        Console.WriteLine($"results: {output}");
        return 0;
    }

    /// <summary>The child: builds a token classifier and times training steps in one mode, then prints its timings and VmHWM as JSON.</summary>
    public static int RunStep(string[] args)
    {
        var values = ParseArgs(args, ["config", "mode", "batch", "seq", "warmup", "steps", "rank", "threads"]);
        int Int(string key) => int.Parse(values[key], CultureInfo.InvariantCulture);
        set_num_threads(Int("threads"));
        var config = EncoderThroughputBench.Configs[values["config"]].Create();
        config.Labels = Labels;
        using var classifier = EncoderModels.CreateClassifier(config, ClassificationTask.TokenClassification, seed: 0);
        var mode = values["mode"];
        var seconds = mode == "load" ? [] : TimeSteps(classifier, mode, Int("batch"), Int("seq"), Int("warmup"), Int("steps"), Int("rank"));
        Console.WriteLine(JsonSerializer.Serialize(new ChildResult(seconds, PeakResidentKb()), LocusJson.Compact));
        return 0;
    }

    static double[] TimeSteps(EncoderClassifier classifier, string mode, int batch, int seq, int warmup, int steps, int rank)
    {
        using var lora = mode == "full" ? null : AddLora(classifier, rank);
        var trainable = lora?.PrepareForTraining() ?? classifier.named_parameters().Select(p => (p.name, p.parameter)).ToList();
        if (lora is not null) lora.Train(true);
        else classifier.train(true);
        using var autocast = mode == "lora-bf16" ? new Bf16LinearAutocast(classifier) : null;
        using var optimizer = ParameterGroups.CreateAdamW(trainable, 1e-4, 0.01);

        using var generator = new Generator(1, CPU);
        using var ids = randint(1, classifier.Config.VocabSize, [batch, seq], generator: generator);
        using var mask = ones_like(ids);
        using var labels = randint(0, Labels.Length, [batch, seq], generator: generator);
        var seconds = new List<double>();
        for (var i = 0; i < warmup + steps; i++)
        {
            using var scope = NewDisposeScope();
            var watch = Stopwatch.StartNew();
            optimizer.zero_grad();
            var loss = ClassifierTrainingTask<TokenClassificationItem>.TokenLoss(classifier.call(new EncoderInput(ids, mask)).Logits, labels);
            loss.backward();
            optimizer.step();
            watch.Stop();
            if (i >= warmup) seconds.Add(watch.Elapsed.TotalSeconds);
        }
        return seconds.ToArray();
    }

    static LoraModel AddLora(EncoderClassifier classifier, int rank)
    {
        var lora = new LoraModel(classifier);
        lora.AddAdapter(AdapterName, new LoraConfig
        {
            Rank = rank, Alpha = 2 * rank, Dropout = 0.1, TargetModules = LoraDefaults.TargetModules(classifier.Config.ModelType),
            ModulesToSave = LoraDefaults.ModulesToSave(sequenceClassification: false), TaskType = "TOKEN_CLS",
        });
        return lora;
    }

    /// <summary>Writes the full model and the PEFT adapter of one configuration and measures both.</summary>
    static Files MeasureFiles(EncoderBenchConfig bench, int rank, string folder)
    {
        var config = bench.Create();
        config.Labels = Labels;
        using var classifier = EncoderModels.CreateClassifier(config, ClassificationTask.TokenClassification, seed: 0);
        var total = classifier.parameters().Sum(p => p.numel());
        var (full, adapter) = (Path.Combine(folder, "full"), Path.Combine(folder, "adapter"));
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        classifier.SavePretrained(full);
        static long SafetensorsBytes(string dir) => Directory.GetFiles(dir, "*.safetensors").Sum(f => new FileInfo(f).Length);
        var fullBytes = SafetensorsBytes(full);
        var (trainable, adapterBytes) = (0L, 0L);
        var percentByRank = new SortedDictionary<int, double>();
        foreach (var r in new[] { 8, 16, rank }.Distinct())
        {
            using var lora = AddLora(classifier, r);
            var count = lora.PrepareForTraining().Sum(p => p.Parameter.numel());
            var rankFolder = $"{adapter}-r{r}";
            PeftAdapterFiles.Save(lora, AdapterName, rankFolder);
            var bytes = SafetensorsBytes(rankFolder);
            percentByRank[r] = Math.Round(100.0 * bytes / fullBytes, 3);
            if (r == rank) (trainable, adapterBytes) = (count, bytes);
        }
        var files = new Files(total, trainable, fullBytes, adapterBytes, percentByRank);
        Directory.Delete(folder, recursive: true);
        return files;
    }

    static ChildResult RunChild(string[] args)
    {
        // Re-invoke this program: the apphost directly, or `dotnet Locus.Bench.dll` when started that way.
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("unknown process path");
        var prefix = Path.GetFileNameWithoutExtension(process) == "dotnet" ? new[] { typeof(FineTuneBench).Assembly.Location } : [];
        var start = new ProcessStartInfo(process) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in prefix.Concat([ChildMode]).Concat(args)) start.ArgumentList.Add(a);
        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start the child process");
        var stdout = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode != 0) throw new InvalidOperationException($"child {string.Join(' ', args)} exited with {child.ExitCode}");
        var last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        return JsonSerializer.Deserialize<ChildResult>(last, LocusJson.Compact) ?? throw new InvalidOperationException($"child printed '{last}'");
    }

    /// <summary>Peak resident set size of this process (VmHWM), in KiB.</summary>
    static long PeakResidentKb()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    static double Mib(long kb) => Math.Round(kb / 1024.0, 1);

    static Dictionary<string, string> ParseArgs(string[] args, string[] known)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length) throw new ArgumentException($"expected '--name value', got '{args[i]}'");
            var key = args[i][2..];
            if (!known.Contains(key)) throw new ArgumentException($"unknown option --{key} (known: {string.Join(", ", known.Select(k => "--" + k))})");
            values[key] = args[++i];
        }
        return values;
    }

    /// <summary>What a child reports: seconds per timed step and peak RSS in KiB.</summary>
    public sealed record ChildResult(double[] Seconds, long PeakKb);

    sealed record Files(long TotalParameters, long LoraTrainable, long FullBytes, long AdapterBytes, IReadOnlyDictionary<int, double> AdapterPercentByRank);

    sealed record Step(double MeanSeconds, double[] Seconds, double PeakMib, double PeakMibOverLoad);

    sealed record Row(string Config, long TotalParameters, long LoraTrainableParameters, double LoraTrainablePercent, long FullFileBytes,
        long AdapterFileBytes, double AdapterPercentOfFull, IReadOnlyDictionary<int, double> AdapterPercentByRank, double LoadPeakMib, Step Lora, Step LoraBf16, Step Full,
        double InferFp32, double InferBf16, double Bf16Speedup);
}
