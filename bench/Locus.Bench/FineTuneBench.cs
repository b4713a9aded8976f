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
/// Fine-tuning and inference of randomly initialised encoders of published shapes (<see cref="EncoderThroughputBench.Configs"/>)
/// with the same task and settings as the PyTorch peer benchmark (shared/peer/peer_bench.py), so that the two can be compared
/// as ratios in one run: token classification with 9 labels, cross-entropy over every token, AdamW; random token ids, no
/// padding; LoRA r 32, alpha 32, no dropout on the attention query/key/value projections and both feed-forward linears.
/// Each mode runs in its own child process (this executable, mode <c>finetune-step</c>) that times warm-up + repeats
/// steps and reports its peak resident memory (VmHWM from /proc/self/status):
/// <list type="bullet">
/// <item><c>full</c>, <c>lora</c>: training steps in float32 (zero_grad, forward, loss, backward, AdamW step);</item>
/// <item><c>lora-mixed</c>: LoRA with the trainer's mixed precision (<see cref="Bf16LinearAutocast"/>: frozen linears in bfloat16);</item>
/// <item><c>full-ckpt</c>, <c>lora-ckpt</c>, <c>lora-mixed-ckpt</c> (not in the default list): the same with activation checkpointing
/// of the encoder layers (<see cref="ActivationCheckpoint"/>, the trainer's <c>--gradient-checkpointing</c>);</item>
/// <item><c>infer-fp32</c>, <c>infer-bf16</c> (the whole model cast to bfloat16), <c>infer-mixed</c> (float32 model, every
/// linear through <see cref="Bf16LinearAutocast"/>, as the peer's <c>torch.autocast</c>): eval-mode forward to the logits;</item>
/// <item><c>load</c>: builds the model only, the baseline of the memory figures;</item>
/// <item><c>files</c>: parameter counts and the sizes of the full model file and of the PEFT adapter (r 8, 16 and --rank).</item>
/// </list>
/// Each timed mode reports median and min over the repeats (a shared machine makes means wander).
/// </summary>
public static class FineTuneBench
{
    const string ChildMode = "finetune-step";
    const string AdapterName = "default";
    const string RegexPrefix = "regex:";
    static readonly string[] DefaultTasks = ["files", "load", "full", "lora", "lora-mixed", "infer-fp32", "infer-bf16", "infer-mixed"];
    static readonly string[] AllTasks = [.. DefaultTasks, "full-ckpt", "lora-ckpt", "lora-mixed-ckpt"];
    static readonly string[] Labels = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"];
    static readonly string[] Options = ["configs", "tasks", "batch", "infer-batch", "seq", "warmup", "repeats", "rank", "lora-alpha", "lora-dropout", "targets", "lr", "threads", "work", "out"];

    /// <summary>
    /// Runs the benchmark. Options (defaults match peer_bench.py): --configs deberta-v3-xsmall,deberta-v3-small,deberta-v3-base,bert-base
    /// --tasks files,load,full,lora,lora-mixed,infer-fp32,infer-bf16,infer-mixed (also full-ckpt,lora-ckpt,lora-mixed-ckpt) --batch 16 --infer-batch 32 --seq 128 --warmup 2
    /// --repeats 5 --rank 32 --lora-alpha 32 --lora-dropout 0 --targets peer (query/key/value and both feed-forward linears of each
    /// layer, as a regex; or a comma list of module names by PEFT's suffix rule, or regex:PATTERN) --lr 2e-5 --threads 2
    /// --work /tmp/locus-finetune-bench --out bench-results/finetune.json.
    /// </summary>
    public static int Run(string[] args)
    {
        Dictionary<string, string> values;
        try { values = ParseArgs(args, Options); }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"finetune: {e.Message}");
            return 2;
        }
        string Get(string key, string fallback) => values.TryGetValue(key, out var v) ? v : fallback;
        int Int(string key, int fallback) => int.Parse(Get(key, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        double Double(string key, double fallback) => double.Parse(Get(key, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        static string[] List(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var configs = List(Get("configs", "deberta-v3-xsmall,deberta-v3-small,deberta-v3-base,bert-base"));
        var tasks = List(Get("tasks", string.Join(',', DefaultTasks)));
        if (tasks.FirstOrDefault(t => !AllTasks.Contains(t)) is { } unknownTask)
        {
            Console.Error.WriteLine($"finetune: unknown task '{unknownTask}' (known: {string.Join(", ", AllTasks)})");
            return 2;
        }
        if (configs.FirstOrDefault(c => !EncoderThroughputBench.Configs.ContainsKey(c)) is { } unknownConfig)
        {
            Console.Error.WriteLine($"finetune: unknown config '{unknownConfig}' (known: {string.Join(", ", EncoderThroughputBench.Configs.Keys)})");
            return 2;
        }
        var settings = new Settings(Int("batch", 16), Int("infer-batch", 32), Int("seq", 128), Int("warmup", 2), Int("repeats", 5), Int("rank", 32),
            Double("lora-alpha", 32), Double("lora-dropout", 0), Get("targets", "peer"), Double("lr", 2e-5), Int("threads", 2));
        var work = Get("work", Path.Combine(Path.GetTempPath(), "locus-finetune-bench"));
        var output = Get("out", Path.Combine("bench-results", "finetune.json"));
        set_num_threads(settings.Threads);
        var loadStart = LoadAverage();

        var rows = new List<Row>();
        foreach (var name in configs)
        {
            var bench = EncoderThroughputBench.Configs[name];
            Files? files = null;
            if (tasks.Contains("files"))
            {
                Console.Error.WriteLine($"{name}: parameters and files...");
                files = MeasureFiles(bench, settings, Path.Combine(work, name));
            }
            var modes = new SortedDictionary<string, ModeResult>(StringComparer.Ordinal);
            foreach (var mode in tasks.Where(t => t != "files"))
            {
                var batch = mode.StartsWith("infer", StringComparison.Ordinal) ? settings.InferBatch : settings.Batch;
                Console.Error.WriteLine($"{name}: {mode} in a child process ({(mode == "load" ? "model only" : $"{settings.Warmup} warm-up + {settings.Repeats} timed of {batch}x{settings.Seq}")})...");
                var child = RunChild(["--config", name, "--mode", mode, .. settings.ChildArgs(batch)]);
                modes[mode] = ModeResult.Of(child, batch, settings.Seq);
            }
            rows.Add(new Row(name, files, modes));
            WriteJson(output, settings, loadStart, rows); // after each configuration, so that a partial run leaves data
        }
        WriteJson(output, settings, loadStart, rows);

        Console.WriteLine("| config | mode | median s | min s | tokens/s (median) | tokens/s (best) | peak RSS MiB | trainable |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
            foreach (var (mode, m) in r.Modes)
                Console.WriteLine($"| {r.Config} | {mode} | {m.MedianSeconds:F3} | {m.MinSeconds:F3} | {m.TokensPerSecondMedian:F0} | {m.TokensPerSecondBest:F0} | {m.PeakRssMib:F0} | {m.TrainableParameters:N0} |");
        foreach (var r in rows.Where(r => r.Files is not null))
        {
            var f = r.Files!;
            Console.WriteLine($"{r.Config}: {f.TotalParameters / 1e6:F1}M parameters, LoRA trainable {f.LoraTrainable / 1e6:F2}M; full file {f.FullBytes / 1e6:F1} MB, " +
                              $"adapter {f.AdapterBytes / 1e6:F2} MB ({Math.Round(100.0 * f.AdapterBytes / f.FullBytes, 3)}%; by rank {string.Join(", ", f.AdapterPercentByRank.Select(kv => $"r={kv.Key}: {kv.Value}%"))})");
        }
        Console.WriteLine($"results: {output}");
        return 0;
    }

    static void WriteJson(string output, Settings settings, double[] loadStart, List<Row> rows)
    {
        var result = new
        {
            benchmark = "finetune",
            timestamp = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            machine = new { Environment.ProcessorCount, settings.Threads, os = Environment.OSVersion.ToString() },
            malloc = new
            {
                MALLOC_MMAP_THRESHOLD_ = Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") ?? "default",
                MALLOC_TRIM_THRESHOLD_ = Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") ?? "default",
            },
            load_average = new { start = loadStart, end = LoadAverage() },
            settings,
            setup = new
            {
                weights = "random, published config shapes, token-classification head (9 labels)",
                inputs = "random token ids, attention mask all ones (no padding); labels uniform over the 9 labels",
                training = "child process per mode: zero_grad, forward, cross-entropy over all tokens, backward, AdamW step (weight decay off biases and LayerNorm); model in train mode (config dropout)",
                lora = "frozen base, classifier trainable; lora-mixed adds Bf16LinearAutocast (frozen linears in bfloat16)",
                checkpointing = "*-ckpt modes: activation checkpointing of the encoder layers (each layer recomputed in the backward pass)",
                inference = "child process per mode: eval(), inference_mode, forward to the logits; infer-bf16 casts the whole model, infer-mixed runs every linear through Bf16LinearAutocast",
                memory = "VmHWM (peak RSS) of each mode's child process, which includes the .NET runtime and libtorch",
                timing = "Stopwatch per step after warm-up; median and min over the repeats",
            },
            results = rows,
        };
        BenchReport.Write(output, "finetune", result);
    }

    /// <summary>The child: builds a token classifier, times one mode, then prints its timings and VmHWM as JSON.</summary>
    public static int RunStep(string[] args)
    {
        var values = ParseArgs(args, ["config", "mode", .. Options]);
        int Int(string key) => int.Parse(values[key], CultureInfo.InvariantCulture);
        double Double(string key) => double.Parse(values[key], CultureInfo.InvariantCulture);
        var settings = new Settings(Int("batch"), Int("batch"), Int("seq"), Int("warmup"), Int("repeats"), Int("rank"), Double("lora-alpha"),
            Double("lora-dropout"), values["targets"], Double("lr"), Int("threads"));
        set_num_threads(settings.Threads);
        var config = EncoderThroughputBench.Configs[values["config"]].Create();
        config.Labels = Labels;
        using var classifier = EncoderModels.CreateClassifier(config, ClassificationTask.TokenClassification, seed: 0);
        var mode = values["mode"];
        var (seconds, trainable) = mode switch
        {
            "load" => (Array.Empty<double>(), 0L),
            "infer-fp32" or "infer-bf16" or "infer-mixed" => (TimeInference(classifier, mode, settings), 0L),
            _ => TimeTraining(classifier, mode, settings),
        };
        Console.WriteLine(JsonSerializer.Serialize(new ChildResult(seconds, PeakResidentKb(), trainable), LocusJson.Compact));
        return 0;
    }

    static (double[] Seconds, long Trainable) TimeTraining(EncoderClassifier classifier, string mode, Settings settings)
    {
        var checkpointed = mode.EndsWith("-ckpt", StringComparison.Ordinal);
        if (checkpointed) mode = mode[..^"-ckpt".Length];
        using var lora = mode == "full" ? null : AddLora(classifier, settings.Rank, settings);
        var trainable = lora?.PrepareForTraining() ?? classifier.named_parameters().Select(p => (p.name, p.parameter)).ToList();
        if (lora is not null) lora.Train(true);
        else classifier.train(true);
        using var autocast = mode == "lora-mixed" ? new Bf16LinearAutocast(classifier) : null;
        using var checkpointing = checkpointed ? ActivationCheckpoint.Enable(classifier) : null;
        if (checkpointing is { Modules: 0 }) throw new InvalidOperationException("activation checkpointing: the model has no layer stack that supports it");
        using var optimizer = ParameterGroups.CreateAdamW(trainable, settings.LearningRate, 0.01);
        using var batch = new RandomBatch(classifier.Config.VocabSize, settings.Batch, settings.Seq);
        var seconds = Time(settings, () =>
        {
            ParameterGroups.ClearGradients(trainable.Select(p => p.Item2));
            var loss = ClassifierTrainingTask<TokenClassificationItem>.TokenLoss(classifier.call(batch.Input).Logits, batch.Labels);
            loss.backward();
            optimizer.step();
        });
        return (seconds, trainable.Sum(p => p.Item2.numel()));
    }

    static double[] TimeInference(EncoderClassifier classifier, string mode, Settings settings)
    {
        classifier.eval();
        if (mode == "infer-bf16") classifier.to(ScalarType.BFloat16);
        // Bf16LinearAutocast converts frozen linears only: with nothing trained, every linear is frozen.
        foreach (var parameter in classifier.parameters()) parameter.requires_grad = false;
        using var autocast = mode == "infer-mixed" ? new Bf16LinearAutocast(classifier) : null;
        using var inference = inference_mode();
        using var batch = new RandomBatch(classifier.Config.VocabSize, settings.Batch, settings.Seq);
        return Time(settings, () => classifier.call(batch.Input)); // CPU kernels are synchronous: the pass is complete when forward returns
    }

    /// <summary>Seconds of each of <see cref="Settings.Repeats"/> runs of <paramref name="step"/> after <see cref="Settings.Warmup"/> untimed ones.</summary>
    static double[] Time(Settings settings, Action step)
    {
        var seconds = new List<double>();
        for (var i = 0; i < settings.Warmup + settings.Repeats; i++)
        {
            using var scope = NewDisposeScope();
            var watch = Stopwatch.StartNew();
            step();
            watch.Stop();
            if (i >= settings.Warmup) seconds.Add(watch.Elapsed.TotalSeconds);
        }
        return [.. seconds];
    }

    /// <summary>Random token ids (mask all ones: no padding) and token labels, as the peer makes them.</summary>
    sealed class RandomBatch : IDisposable
    {
        readonly Tensor ids, mask;

        public RandomBatch(long vocab, int batch, int seq)
        {
            using var generator = new Generator(1, CPU);
            ids = randint(1, vocab, [batch, seq], generator: generator);
            mask = ones_like(ids);
            Labels = randint(0, FineTuneBench.Labels.Length, [batch, seq], generator: generator);
            Input = new EncoderInput(ids, mask);
        }

        public EncoderInput Input { get; }

        public Tensor Labels { get; }

        public void Dispose()
        {
            ids.Dispose();
            mask.Dispose();
            Labels.Dispose();
        }
    }

    static LoraModel AddLora(EncoderClassifier classifier, int rank, Settings settings)
    {
        var lora = new LoraModel(classifier);
        var (list, regex) = Targets(settings.Targets, classifier.Config.ModelType);
        lora.AddAdapter(AdapterName, new LoraConfig
        {
            Rank = rank, Alpha = settings.LoraAlpha, Dropout = settings.LoraDropout, TargetModules = list, TargetModulesRegex = regex,
            ModulesToSave = LoraDefaults.ModulesToSave(sequenceClassification: false), TaskType = "TOKEN_CLS",
        });
        return lora;
    }

    /// <summary>The --targets option as a LoRA config takes it: "peer", regex:PATTERN, or a comma list of module names.</summary>
    static (IReadOnlyList<string> List, string? Regex) Targets(string option, string modelType) =>
        option == "peer" ? ([], PeerTargets(modelType))
        : option.StartsWith(RegexPrefix, StringComparison.Ordinal) ? ([], option[RegexPrefix.Length..])
        : (option.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), null);

    /// <summary>
    /// The peer's LoRA targets: each layer's attention query/key/value and both feed-forward linears, not the attention
    /// output. A regex, because the suffix rule cannot take the feed-forward <c>output.dense</c> without <c>attention.output.dense</c>.
    /// </summary>
    static string PeerTargets(string modelType) => modelType switch
    {
        "bert" => @".*\.layer\.\d+\.(attention\.self\.(query|key|value)|intermediate\.dense|output\.dense)",
        "deberta-v2" => @".*\.layer\.\d+\.(attention\.self\.(query_proj|key_proj|value_proj)|intermediate\.dense|output\.dense)",
        _ => throw new ArgumentException($"no peer LoRA targets for model_type '{modelType}'"),
    };

    /// <summary>Writes the full model and the PEFT adapter of one configuration and measures both.</summary>
    static Files MeasureFiles(EncoderBenchConfig bench, Settings settings, string folder)
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
        foreach (var r in new[] { 8, 16, settings.Rank }.Distinct())
        {
            using var lora = AddLora(classifier, r, settings);
            var count = lora.PrepareForTraining().Sum(p => p.Parameter.numel());
            var rankFolder = $"{adapter}-r{r}";
            PeftAdapterFiles.Save(lora, AdapterName, rankFolder);
            var bytes = SafetensorsBytes(rankFolder);
            percentByRank[r] = Math.Round(100.0 * bytes / fullBytes, 3);
            if (r == settings.Rank) (trainable, adapterBytes) = (count, bytes);
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

    /// <summary>The 1, 5 and 15 minute load averages from /proc/loadavg.</summary>
    static double[] LoadAverage() =>
        [.. File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];

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

    /// <summary>The shapes and settings every child runs with (the peer's flags of the same names).</summary>
    sealed record Settings(int Batch, int InferBatch, int Seq, int Warmup, int Repeats, int Rank, double LoraAlpha, double LoraDropout,
        string Targets, double LearningRate, int Threads)
    {
        /// <summary>The child's options; <paramref name="batch"/> is the training or the inference batch, whichever the mode needs.</summary>
        public string[] ChildArgs(int batch) =>
        [
            "--batch", $"{batch}", "--seq", $"{Seq}", "--warmup", $"{Warmup}", "--repeats", $"{Repeats}", "--rank", $"{Rank}",
            "--lora-alpha", Invariant(LoraAlpha), "--lora-dropout", Invariant(LoraDropout), "--targets", Targets, "--lr", Invariant(LearningRate), "--threads", $"{Threads}",
        ];

        static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>What a child reports: seconds per timed step, peak RSS in KiB and trainable parameters (training modes).</summary>
    public sealed record ChildResult(double[] Seconds, long PeakKb, long Trainable);

    /// <summary>One mode of one configuration: median and min over the repeats, every sample, tokens/s and peak RSS.</summary>
    sealed record ModeResult(int Batch, int Seq, double MedianSeconds, double MinSeconds, double[] Seconds, double TokensPerSecondMedian,
        double TokensPerSecondBest, double PeakRssMib, long TrainableParameters)
    {
        public static ModeResult Of(ChildResult child, int batch, int seq)
        {
            var sorted = child.Seconds.Order().ToArray();
            var median = sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
            var min = sorted.Length == 0 ? 0 : sorted[0];
            static double Rate(double tokens, double seconds) => seconds > 0 ? Math.Round(tokens / seconds, 1) : 0;
            return new ModeResult(batch, seq, Math.Round(median, 4), Math.Round(min, 4), [.. child.Seconds.Select(s => Math.Round(s, 4))],
                Rate(batch * seq, median), Rate(batch * seq, min), Math.Round(child.PeakKb / 1024.0, 1), child.Trainable);
        }
    }

    sealed record Files(long TotalParameters, long LoraTrainable, long FullBytes, long AdapterBytes, IReadOnlyDictionary<int, double> AdapterPercentByRank);

    sealed record Row(string Config, Files? Files, IReadOnlyDictionary<string, ModeResult> Modes);
}
