using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Locus.Atlas;
using Locus.Atlas.Data;
using Locus.Atlas.Encoding;
using Locus.Atlas.Model;
using Locus.Atlas.Uses;
using static TorchSharp.torch;

namespace Locus.Bench;

/// <summary>
/// Atlas speed: time to embed a new model from 256, 1,024 and 8,192 evaluations (expected to grow linearly thanks to
/// the latent bottleneck), and routing decisions per second over a pool of 100 models. Uses the paper's shape
/// (hidden 128, r = 64 latents, d = 128) with random weights: speed does not depend on the weight values.
/// Options: --out FILE (default bench-results/atlas.json), --repeats N (default 5), --threads N.
/// </summary>
internal static class AtlasBench
{
    public static int Run(string[] args)
    {
        string output = Path.Combine("bench-results", "atlas.json");
        int repeats = 5;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--out": output = args[++i]; break;
                case "--repeats": repeats = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--threads": set_num_threads(int.Parse(args[++i], CultureInfo.InvariantCulture)); break;
                default: Console.Error.WriteLine($"unknown option {args[i]} (options: --out FILE, --repeats N, --threads N)"); return 2;
            }
        }
        const int queryDim = 64, poolSize = 100, routedQueries = 1000;
        var queryIds = Enumerable.Range(0, 8192).Select(q => $"q{q}").ToArray();
        var encoder = new FixedEncoder(queryIds, queryDim, seed: 1);
        random.manual_seed(0);
        using var atlas = new ModelAtlas(new LocusNetwork(new LocusConfig { QueryDim = queryDim }), encoder);
        var rng = new Random(2);
        var rows = new List<object>();
        Console.Error.WriteLine($"atlas bench: threads {get_num_threads()}, MALLOC_MMAP_THRESHOLD_={Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") ?? "unset"}, MALLOC_TRIM_THRESHOLD_={Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") ?? "unset"}");

        foreach (var n in new[] { 256, 1024, 8192 })
        {
            var records = queryIds.Take(n).Select(q => new EvaluationRecord("new", q, rng.Next(2))).ToArray();
            var encodings = records.Select(r => encoder.Encode(r.QueryId, null)).ToArray();
            var scores = records.Select(r => r.Score).ToArray();
            atlas.Embed(encodings, scores); // warm-up
            var ms = Measure(repeats, () => atlas.Embed(encodings, scores));
            rows.Add(new { benchmark = "embed_new_model", evaluations = n, median_ms = ms, ms_per_1k_evaluations = ms / n * 1000 });
            Console.Error.WriteLine($"embed {n} evaluations: {ms:F2} ms");
        }

        for (int m = 0; m < poolSize; m++)
            atlas.Put(new AtlasModelEntry($"model{m}", Enumerable.Range(0, 128).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(), 0, null, "added"));
        foreach (var batch in new[] { 1, routedQueries })
        {
            var queries = queryIds.Take(batch).Select(q => encoder.Encode(q, null)).ToArray();
            QueryRouter.Route(atlas, queries);
            var ms = Measure(repeats, () => QueryRouter.Route(atlas, queries));
            rows.Add(new { benchmark = "route", pool = poolSize, batch, median_ms = ms, decisions_per_second = batch / (ms / 1000) });
            Console.Error.WriteLine($"route batch {batch} over {poolSize} models: {ms:F2} ms, {batch / (ms / 1000):F0} decisions/s");
        }

        var report = new
        {
            bench = "atlas", threads = get_num_threads(), repeats,
            malloc_mmap_threshold = Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_"),
            malloc_trim_threshold = Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_"),
            config = atlas.Network.Config, results = rows,
        };
        BenchReport.Write(output, "atlas", report);
        Console.WriteLine($"{"benchmark",-18} {"size",8} {"median ms",12} {"rate",18}");
        foreach (var row in rows)
        {
            var e = JsonSerializer.SerializeToElement(row);
            var size = e.TryGetProperty("evaluations", out var ev) ? ev.GetInt32() : e.GetProperty("batch").GetInt32();
            var rate = e.TryGetProperty("decisions_per_second", out var dps) ? $"{dps.GetDouble():F0} decisions/s" : $"{e.GetProperty("ms_per_1k_evaluations").GetDouble():F2} ms/1k evals";
            Console.WriteLine($"{e.GetProperty("benchmark").GetString(),-18} {size,8} {e.GetProperty("median_ms").GetDouble(),12:F2} {rate,18}");
        }
        Console.WriteLine($"wrote {output}");
        return 0;
    }

    private static double Measure(int repeats, Action action)
    {
        var times = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times[repeats / 2];
    }

    /// <summary>Random fixed encodings per query id: the bench measures the network, not an encoder.</summary>
    private sealed class FixedEncoder : IQueryEncoder
    {
        private readonly Dictionary<string, float[]> _vectors;

        public FixedEncoder(IEnumerable<string> ids, int dimension, int seed)
        {
            var rng = new Random(seed);
            Dimension = dimension;
            _vectors = ids.ToDictionary(id => id, _ => Enumerable.Range(0, dimension).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray());
        }

        public string Kind => "bench-random";

        public int Dimension { get; }

        public float[] Encode(string queryId, string? queryText) => _vectors[queryId];

        public void Save(BinaryWriter writer) => throw new NotSupportedException("the bench encoder is not saved");
    }
}
