using System.Diagnostics;
using System.Globalization;
using Locus.Models.Bert;
using Locus.Models.Configuration;
using Locus.Models.Deberta;
using Locus.Models.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace Locus.Bench;

/// <summary>An encoder configuration to benchmark, with the matmul FLOPs of one forward pass.</summary>
/// <param name="Name">The name used on the command line and in the results.</param>
/// <param name="Create">Builds the configuration.</param>
/// <param name="MatmulFlops">Multiply-add FLOPs (2 per MAC) of the forward pass for (config, batch, seq).</param>
public sealed record EncoderBenchConfig(string Name, Func<EncoderConfig> Create, Func<EncoderConfig, long, long, double> MatmulFlops);

/// <summary>
/// Forward throughput of randomly initialised encoders (tokens/s and achieved GFLOP/s) in float32 and bfloat16,
/// against the machine's matmul peak measured in the same run. Writes JSON and prints a table.
/// </summary>
public static class EncoderThroughputBench
{
    /// <summary>The configurations the benchmark knows, by name.</summary>
    public static IReadOnlyDictionary<string, EncoderBenchConfig> Configs { get; } = new Dictionary<string, EncoderBenchConfig>(StringComparer.Ordinal)
    {
        ["bert-base"] = new("bert-base", BertConfig.Base, StandardEncoderFlops),
        ["deberta-v3-xsmall"] = new("deberta-v3-xsmall", DebertaV2Config.DebertaV3XSmall, DisentangledEncoderFlops),
        ["deberta-v3-small"] = new("deberta-v3-small", DebertaV2Config.DebertaV3Small, DisentangledEncoderFlops),
        ["deberta-v3-base"] = new("deberta-v3-base", DebertaV2Config.DebertaV3Base, DisentangledEncoderFlops),
    };

    /// <summary>
    /// Matmul FLOPs of a standard post-LN encoder forward (BERT family): <see cref="StandardLayerFlops"/> per layer
    /// plus the pooler (2·B·H²).
    /// </summary>
    public static double StandardEncoderFlops(EncoderConfig config, long batch, long seq) =>
        config.NumHiddenLayers * StandardLayerFlops(config, batch, seq) + 2.0 * batch * config.HiddenSize * config.HiddenSize;

    /// <summary>
    /// Matmul FLOPs of one standard encoder layer: the Q, K, V and output projections (4·2·T·H²), scores and
    /// context (2·2·B·L²·H) and the feed-forward block (2·2·T·H·I), T = B·L.
    /// </summary>
    public static double StandardLayerFlops(EncoderConfig config, long batch, long seq)
    {
        double tokens = batch * seq, h = config.HiddenSize, i = config.IntermediateSize;
        return 4 * 2 * tokens * h * h + 2 * 2 * batch * (double)seq * seq * h + 2 * 2 * tokens * h * i;
    }

    /// <summary>
    /// Matmul FLOPs of a DeBERTa-v2/v3 forward (DebertaV2Model: no pooler). Each layer is a standard layer plus,
    /// for each relative term in pos_att_type, the projection of the 2S relative-position embeddings (S the
    /// attention span, 256 buckets in v3) through key_proj for c2p or query_proj for p2c (pos_key_proj /
    /// pos_query_proj when keys are not shared): 2·2S·H²; and the queries (c2p) or keys (p2c) of every head
    /// against those 2S projected positions before the gather: 2·B·h·L·2S·d = 2·B·L·2S·H. The full 2S table is
    /// used whatever L, as in HF, so at L = 128 each relative term costs 4× the content QKᵀ. Plus embed_proj
    /// (2·T·E·H) when embedding_size differs from hidden_size, and the ConvLayer (2·T·H·(H / groups)·k) of
    /// v2-xlarge/xxlarge.
    /// </summary>
    public static double DisentangledEncoderFlops(EncoderConfig config, long batch, long seq)
    {
        var deberta = (DebertaV2Config)config;
        double tokens = batch * seq, h = deberta.HiddenSize;
        var relativeTerms = deberta.RelativeAttention ? deberta.PosAttType.Distinct().Count() : 0;
        double positions = 2.0 * deberta.AttentionSpan;
        var relativePerTerm = 2 * positions * h * h + 2 * batch * (double)seq * positions * h;
        var perLayer = StandardLayerFlops(deberta, batch, seq) + relativeTerms * relativePerTerm;
        var embedProj = deberta.ResolvedEmbeddingSize != deberta.HiddenSize ? 2 * tokens * deberta.ResolvedEmbeddingSize * h : 0;
        var conv = deberta.ConvKernelSize > 0 ? 2 * tokens * h * (h / deberta.ConvGroups) * deberta.ConvKernelSize : 0;
        return deberta.NumHiddenLayers * perLayer + embedProj + conv;
    }

    /// <summary>
    /// Runs the benchmark. Options: --configs bert-base[,deberta-v3-base,…] (see <see cref="Configs"/>) --batch 32 --seq 128 --iterations 3 --warmup 1
    /// --threads 2 --dtypes float32,bfloat16 --out bench-results/encoder-throughput.json.
    /// </summary>
    public static Task<int> RunAsync(string[] args)
    {
        Options options;
        try { options = Options.Parse(args); }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"encoder-throughput: {e.Message}");
            Console.Error.WriteLine($"usage: encoder-throughput [--configs {string.Join("|", Configs.Keys)}[,…]] [--batch 32] [--seq 128] [--iterations 3] [--warmup 1] [--threads 2] [--dtypes float32,bfloat16] [--out FILE]");
            return Task.FromResult(2);
        }

        set_num_threads(options.Threads);
        var peaks = options.Dtypes.ToDictionary(d => d, MeasureMatmulPeak);
        foreach (var (dtype, peak) in peaks) Console.Error.WriteLine($"matmul peak {DtypeName(dtype)}: {peak:F1} GFLOP/s");

        var rows = new List<Row>();
        foreach (var bench in options.Configs)
        {
            var config = bench.Create();
            var flops = bench.MatmulFlops(config, options.Batch, options.Seq);
            foreach (var dtype in options.Dtypes)
            {
                Console.Error.WriteLine($"{bench.Name} {DtypeName(dtype)}: {options.Warmup} warm-up + {options.Iterations} timed forward passes of {options.Batch}x{options.Seq}...");
                var seconds = TimeForward(config, dtype, options.Batch, options.Seq, options.Warmup, options.Iterations);
                var mean = seconds.Average();
                var gflops = flops / mean / 1e9;
                rows.Add(new Row(bench.Name, DtypeName(dtype), options.Batch, options.Seq, options.Threads, seconds.Select(s => Math.Round(s, 4)).ToArray(),
                    Math.Round(mean, 4), Math.Round(options.Batch * options.Seq / mean, 1), Math.Round(flops / 1e9, 2), Math.Round(gflops, 1),
                    Math.Round(peaks[dtype], 1), Math.Round(100 * gflops / peaks[dtype], 1)));
            }
        }

        var result = new
        {
            benchmark = "encoder-forward-throughput",
            timestamp = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            machine = new { Environment.ProcessorCount, threads = options.Threads, os = Environment.OSVersion.ToString() },
            malloc = new
            {
                MALLOC_MMAP_THRESHOLD_ = Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") ?? "default",
                MALLOC_TRIM_THRESHOLD_ = Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") ?? "default",
            },
            matmul_peak_gflops = peaks.ToDictionary(kv => DtypeName(kv.Key), kv => Math.Round(kv.Value, 1)),
            flops_counted = "matmul FLOPs of the forward pass (2 per multiply-add): projections, attention scores/context, feed-forward, pooler (BERT); DeBERTa adds the c2p/p2c relative-position projections and score matmuls",
            results = rows,
        };
        BenchReport.Write(options.Out, "encoder-throughput", result);

        Console.WriteLine($"| config | dtype | batch x seq | mean s/forward | tokens/s | GFLOP/forward | GFLOP/s | matmul peak GFLOP/s | % of peak |");
        Console.WriteLine($"|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
            Console.WriteLine($"| {r.Config} | {r.Dtype} | {r.Batch}x{r.Seq} | {r.MeanSeconds:F3} | {r.TokensPerSecond:F0} | {r.GflopPerForward:F1} | {r.AchievedGflops:F1} | {r.PeakGflops:F1} | {r.PercentOfPeak:F1} |");
        Console.WriteLine($"results: {options.Out}");
        return Task.FromResult(0);
    }

    /// <summary>Seconds of each timed forward pass of a randomly initialised encoder on random ids (after <paramref name="warmup"/> untimed ones).</summary>
    public static double[] TimeForward(EncoderConfig config, ScalarType dtype, long batch, long seq, int warmup, int iterations)
    {
        using var model = EncoderModels.Create(config, seed: 0);
        model.to(dtype);
        model.eval();
        using var inference = inference_mode();
        using var generator = new Generator(1, CPU);
        using var inputIds = randint(1, config.VocabSize, [batch, seq], generator: generator);
        using var mask = ones_like(inputIds);
        var input = new EncoderInput(inputIds, mask);
        var seconds = new List<double>();
        for (var i = 0; i < warmup + iterations; i++)
        {
            using var scope = NewDisposeScope();
            var watch = Stopwatch.StartNew();
            _ = model.call(input); // CPU kernels are synchronous: the pass is complete when forward returns
            watch.Stop();
            if (i >= warmup) seconds.Add(watch.Elapsed.TotalSeconds);
        }
        return seconds.ToArray();
    }

    /// <summary>GFLOP/s of a large square matmul in <paramref name="dtype"/>: the practical peak for these kernels.</summary>
    static double MeasureMatmulPeak(ScalarType dtype)
    {
        const int n = 2048, repeats = 5;
        using var generator = new Generator(2, CPU);
        using var a = randn([n, n], generator: generator).to_type(dtype);
        using var b = randn([n, n], generator: generator).to_type(dtype);
        using (matmul(a, b)) { } // warm-up
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < repeats; i++)
        {
            using var c = matmul(a, b);
        }
        watch.Stop();
        return repeats * 2.0 * n * n * n / watch.Elapsed.TotalSeconds / 1e9;
    }

    /// <summary>The name of a dtype in results: float32, bfloat16.</summary>
    public static string DtypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.BFloat16 => "bfloat16",
        _ => dtype.ToString(),
    };

    sealed record Row(string Config, string Dtype, long Batch, long Seq, int Threads, double[] Seconds, double MeanSeconds,
        double TokensPerSecond, double GflopPerForward, double AchievedGflops, double PeakGflops, double PercentOfPeak);

    sealed record Options(IReadOnlyList<EncoderBenchConfig> Configs, long Batch, long Seq, int Iterations, int Warmup, int Threads,
        IReadOnlyList<ScalarType> Dtypes, string Out)
    {
        public static Options Parse(string[] args)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < args.Length; i++)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length) throw new ArgumentException($"expected '--name value', got '{args[i]}'");
                values[args[i][2..]] = args[++i];
            }
            var known = new[] { "configs", "batch", "seq", "iterations", "warmup", "threads", "dtypes", "out" };
            foreach (var key in values.Keys.Where(k => !known.Contains(k))) throw new ArgumentException($"unknown option --{key}");

            string Get(string key, string fallback) => values.TryGetValue(key, out var v) ? v : fallback;
            int Int(string key, int fallback) =>
                int.TryParse(Get(key, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture, out var v) && v > 0 ? v : throw new ArgumentException($"--{key} must be a positive integer");

            var configs = Get("configs", "bert-base").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(name => EncoderThroughputBench.Configs.TryGetValue(name, out var c) ? c : throw new ArgumentException($"unknown config '{name}' (known: {string.Join(", ", EncoderThroughputBench.Configs.Keys)})"))
                .ToList();
            var dtypes = Get("dtypes", "float32,bfloat16").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(name => name switch
                {
                    "float32" or "fp32" => ScalarType.Float32,
                    "bfloat16" or "bf16" => ScalarType.BFloat16,
                    _ => throw new ArgumentException($"unknown dtype '{name}' (known: float32, bfloat16)"),
                })
                .ToList();
            return new Options(configs, Int("batch", 32), Int("seq", 128), Int("iterations", 3), Int("warmup", 1), Int("threads", 2), dtypes,
                Get("out", Path.Combine("bench-results", "encoder-throughput.json")));
        }
    }
}
