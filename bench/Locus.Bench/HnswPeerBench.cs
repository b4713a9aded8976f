using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Locus.Retrieval.Embeddings;
using Locus.Retrieval.Index;

namespace Locus.Bench;

/// <summary>
/// Side-by-side HNSW comparison with hnswlib and FAISS (bench/scripts/hnsw-compare.sh drives all three). The vectors,
/// queries and exact top-10 are written once as .npy files (numpy.load reads them) into a folder:
/// <c>base.npy</c> (rows × dim float32, unit length), <c>queries.npy</c> (float32) and <c>truth.npy</c> (queries × 10
/// int32 row ids, best first, by dot product = cosine, the similarity Locus uses). Modes:
/// <list type="bullet">
/// <item><c>hnsw-export --size N --dim 384 --data clustered|random --queries 1000 --out DIR</c>: the retrieval bench's
/// generator (same seeds, so the same vectors as <c>retrieval --data clustered</c>).</item>
/// <item><c>hnsw-encode --text FILE --queries 1000 --max-seconds 900 --threads 2 --out DIR</c>: real sentences (one per
/// line) encoded with the built-in all-MiniLM-L6-v2; the first --queries lines become queries (encoded as queries), the
/// rest the indexed rows, as many as fit in --max-seconds of encoding.</item>
/// <item><c>hnsw-run --dir DIR --m 16 --ef-construction 100 --ef-search 10,16,32,64,128,256 --threads 1 --out FILE.json</c>:
/// builds Locus's index from base.npy (timed: adding the rows and linking them), then times one query at a time
/// through <see cref="VectorIndex.Search"/> at each ef and scores recall@10 against truth.npy.</item>
/// </list>
/// </summary>
public static class HnswPeerBench
{
    private const int K = 10;
    private const int Batch = 10_000;

    /// <summary>Writes generated vectors, queries and exact ground truth; returns the exit code.</summary>
    public static int Export(string[] args)
    {
        var size = RetrievalBenchmark.IntArg(args, "--size", 1_000_000);
        var dimension = RetrievalBenchmark.IntArg(args, "--dim", 384);
        var queryCount = RetrievalBenchmark.IntArg(args, "--queries", 1000);
        var clustered = RetrievalBenchmark.Arg(args, "--data", "clustered") switch
        {
            "clustered" => true,
            "random" => false,
            var other => throw new ArgumentException($"--data must be clustered or random (got {other})"),
        };
        var outDir = Directory.CreateDirectory(RetrievalBenchmark.Arg(args, "--out", "/tmp/hnsw-peer")).FullName;

        var watch = Stopwatch.StartNew();
        // The exact index only holds the rows to compute the ground truth (no graph).
        using var exact = VectorIndex.Create("export", dimension, new VectorIndexOptions { Hnsw = null });
        var stream = NpyFile.CreateFloat32(Path.Combine(outDir, "base.npy"), dimension);
        RetrievalBenchmark.Generate(size, dimension, clustered, vectors =>
        {
            NpyFile.AppendRows(stream, vectors);
            AddRows(exact, vectors);
        });
        NpyFile.FinishRows(stream, size, dimension);
        var queries = RetrievalBenchmark.Queries(queryCount, dimension, clustered);
        Console.Error.WriteLine($"  {size:N0} rows generated in {watch.Elapsed.TotalSeconds:0}s; exact top-{K} of {queryCount} queries…");
        WriteQueriesAndTruth(outDir, exact, queries);
        Console.WriteLine($"wrote {outDir}: {size:N0} x {dimension} {(clustered ? "clustered" : "random")}, {queryCount} queries, {watch.Elapsed.TotalSeconds:0}s");
        return 0;
    }

    /// <summary>Encodes real sentences with the built-in encoder and writes them with ground truth; returns the exit code.</summary>
    public static async Task<int> EncodeAsync(string[] args)
    {
        var text = RetrievalBenchmark.Arg(args, "--text", "");
        var queryCount = RetrievalBenchmark.IntArg(args, "--queries", 1000);
        var maxSeconds = RetrievalBenchmark.IntArg(args, "--max-seconds", 900);
        var threads = RetrievalBenchmark.IntArg(args, "--threads", Environment.ProcessorCount);
        var outDir = Directory.CreateDirectory(RetrievalBenchmark.Arg(args, "--out", "/tmp/hnsw-peer-real")).FullName;
        var lines = File.ReadLines(text).Where(l => l.Length > 0).ToArray();
        if (lines.Length <= queryCount) throw new ArgumentException($"{text}: {lines.Length} lines, need more than --queries {queryCount}");

        var spec = EncoderSpec.BuiltinDefault();
        var encoder = SharedTransformerEncoders.Get(new TransformerEncoderOptions
        {
            ModelPath = Locus.Models.Builtin.BuiltinModels.ResolveFolder(spec.ModelPath!, null),
            Pooling = spec.Pooling,
            QueryPrefix = spec.QueryPrefix,
            Threads = threads,
        });
        var watch = Stopwatch.StartNew();
        var queries = await encoder.EncodeQueriesAsync(lines[..queryCount]);
        var dimension = encoder.Dimension;
        using var exact = VectorIndex.Create("export", dimension, new VectorIndexOptions { Hnsw = null });
        var stream = NpyFile.CreateFloat32(Path.Combine(outDir, "base.npy"), dimension);
        var rows = 0;
        // Small batches so the time limit stops encoding close to --max-seconds.
        for (var start = queryCount; start < lines.Length && watch.Elapsed.TotalSeconds < maxSeconds; start += 512)
        {
            var vectors = await encoder.EncodeAsync(lines[start..Math.Min(lines.Length, start + 512)]);
            NpyFile.AppendRows(stream, vectors);
            AddRows(exact, vectors);
            rows += vectors.Length;
            if (rows % 5120 == 0) Console.Error.WriteLine($"  {rows:N0} sentences encoded, {watch.Elapsed.TotalSeconds:0}s");
        }
        NpyFile.FinishRows(stream, rows, dimension);
        var encodeSeconds = watch.Elapsed.TotalSeconds;
        WriteQueriesAndTruth(outDir, exact, queries);
        var info = new { Source = Path.GetFullPath(text), Lines = lines.Length, Queries = queryCount, Rows = rows, Dimension = dimension, Encoder = spec.Describe(), Threads = threads, EncodeSeconds = encodeSeconds };
        BenchReport.Write(Path.Combine(outDir, "encode.json"), "hnsw-encode", info);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {outDir}: {rows:N0} of {lines.Length - queryCount:N0} sentences + {queryCount} queries encoded in {encodeSeconds:0}s ({(rows + queryCount) / encodeSeconds:0} sentences/s, {threads} threads)"));
        return 0;
    }

    /// <summary>Builds Locus's HNSW from an exported folder and times queries; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        var dir = RetrievalBenchmark.Arg(args, "--dir", "/tmp/hnsw-peer");
        var m = RetrievalBenchmark.IntArg(args, "--m", 16);
        var efConstruction = RetrievalBenchmark.IntArg(args, "--ef-construction", 100);
        var efSearches = RetrievalBenchmark.Ints(RetrievalBenchmark.Arg(args, "--ef-search", "10,16,32,64,128,256"));
        var threads = RetrievalBenchmark.IntArg(args, "--threads", 1);
        var warmup = RetrievalBenchmark.IntArg(args, "--warmup", 100);
        var outPath = RetrievalBenchmark.Arg(args, "--out", Path.Combine(dir, "locus.json"));
        var label = RetrievalBenchmark.Arg(args, "--label", "locus");

        var queries = NpyFile.ReadFloat32(Path.Combine(dir, "queries.npy"));
        var truth = NpyFile.ReadInt32(Path.Combine(dir, "truth.npy"));
        var (stream, _, rows, dimension) = NpyFile.Open(Path.Combine(dir, "base.npy"));
        var hnsw = new HnswOptions { M = m, EfConstruction = efConstruction, MaxDegreeOfParallelism = threads };
        using var index = VectorIndex.Create("peer", dimension, new VectorIndexOptions { Hnsw = hnsw });
        var build = new Stopwatch();
        using (stream)
        {
            for (var start = 0; start < rows; start += Batch)
            {
                // Reading the file is not timed: the peers get their rows as an array in memory too.
                var vectors = NpyFile.ReadFloat32Rows(stream, Math.Min(Batch, rows - start), dimension);
                build.Start();
                AddRows(index, vectors);
                build.Stop();
                if ((start / Batch) % 10 == 9) Console.Error.WriteLine($"  {label}: {start + vectors.Length:N0} linked, {build.Elapsed.TotalSeconds:0}s");
            }
        }
        var buildSeconds = build.Elapsed.TotalSeconds;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {label}: built {rows:N0} rows in {buildSeconds:0.0}s ({threads} threads)"));

        var results = new List<object>();
        foreach (var ef in efSearches)
        {
            var options = new IndexSearchOptions { K = K, EfSearch = ef };
            for (var q = 0; q < Math.Min(warmup, queries.Length); q++) index.Search(queries[q], options);
            var latency = new double[queries.Length];
            var found = 0;
            for (var q = 0; q < queries.Length; q++)
            {
                var watch = Stopwatch.StartNew();
                var hits = index.Search(queries[q], options);
                latency[q] = watch.Elapsed.TotalMilliseconds;
                found += hits.Count(h => Array.IndexOf(truth[q], h.Row) >= 0);
            }
            var recall = found / (double)(K * queries.Length);
            var (p50, p99) = (RetrievalBenchmark.Percentile(latency, 0.5), RetrievalBenchmark.Percentile(latency, 0.99));
            results.Add(new { ef, recall, p50_ms = p50, p99_ms = p99, mean_ms = latency.Average() });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {label} | ef {ef} | recall@10 {recall:0.0000} | p50 {p50:0.000} ms | p99 {p99:0.000} ms |"));
        }
        var report = new
        {
            library = label,
            version = typeof(HnswGraph).Assembly.GetName().Version?.ToString(),
            metric = "inner product (unit vectors)",
            rows,
            dim = dimension,
            queries = queries.Length,
            m,
            ef_construction = efConstruction,
            threads,
            build_s = buildSeconds,
            search = results,
        };
        // The same members as hnsw_peer.py writes for hnswlib and FAISS (it reads all three), under the project's policy.
        BenchReport.Write(outPath, "hnsw-run", report);
        Console.WriteLine($"wrote {outPath}");
        return 0;
    }

    private static void AddRows(VectorIndex index, IReadOnlyList<float[]> vectors)
    {
        var first = index.Count;
        index.Add(vectors, Enumerable.Range(first, vectors.Count).Select(i => new VectorRecordMetadata((ulong)i, "", "peer", i)).ToArray());
    }

    private static void WriteQueriesAndTruth(string outDir, VectorIndex exact, float[][] queries)
    {
        NpyFile.WriteFloat32(Path.Combine(outDir, "queries.npy"), queries);
        var truth = exact.SearchMany(queries, new IndexSearchOptions { K = K, Exact = true });
        NpyFile.WriteInt32(Path.Combine(outDir, "truth.npy"), truth.Select(hits => hits.Select(h => h.Row).ToArray()).ToArray());
    }
}
