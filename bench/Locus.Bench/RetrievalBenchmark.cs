using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Locus.Retrieval.Embeddings;
using Locus.Retrieval.Index;
using Locus.Retrieval.Ingestion;

namespace Locus.Bench;

/// <summary>
/// Retrieval benchmark: for each data kind and index size, random unit vectors → HNSW build time, file size, exact
/// and HNSW query latency (p50/p99, one query at a time) and HNSW recall@10 against exact search for several
/// ef_search values; exact search timed three ways on the same mapped index: the scan before the rewrite
/// (<see cref="LegacyExactSearch"/>, on the first --legacy-queries queries), the current single-query scan, and all
/// queries at once (<see cref="VectorIndex.SearchMany"/>, amortised per query); then corpus ingestion throughput
/// with the lexical encoder and, with --encoder-model, a transformer encoder in float32 and bfloat16.
/// Writes JSON and a Markdown table.
/// Options: --sizes 100000,1000000  --hnsw-max-size N (larger sizes build no graph)  --dim 384  --queries 200
/// --legacy-queries 20  --m 16  --ef-construction 100  --ef-search 16,32,64,128,256,512,1024  --dtype Float32
/// --data random,clustered  --corpus FILE|DIR,...  --ingest-limit N (sentences per encoder run)
/// --encoder-model DIR (a model folder; a folder with tokenizer files only gets a random BERT of --encoder-shape)
/// --encoder-shape 256x4 (hidden x layers)  --out bench-results/retrieval.json (the table goes beside it as .md)  --work DIR.
/// "random" = directions uniform on the sphere (no structure: the hardest case for any graph index, because the
/// neighbours of a neighbour are hardly closer to the query than any other point); "clustered" = 1,000 random
/// centres plus Gaussian noise (cosine ≈ 0.7 to the centre), closer to real sentence embeddings, with queries
/// drawn the same way.
/// </summary>
public static class RetrievalBenchmark
{
    /// <summary>Runs the benchmark; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var sizes = Ints(Arg(args, "--sizes", "100000"));
        var hnswMaxSize = int.Parse(Arg(args, "--hnsw-max-size", int.MaxValue.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var legacyQueries = int.Parse(Arg(args, "--legacy-queries", "20"), CultureInfo.InvariantCulture);
        var ingestLimit = int.Parse(Arg(args, "--ingest-limit", int.MaxValue.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var encoderModel = Arg(args, "--encoder-model", "");
        var encoderShape = Ints(Arg(args, "--encoder-shape", "256x4").Replace('x', ','));
        var dimension = int.Parse(Arg(args, "--dim", "384"), CultureInfo.InvariantCulture);
        var queryCount = int.Parse(Arg(args, "--queries", "200"), CultureInfo.InvariantCulture);
        var m = int.Parse(Arg(args, "--m", "16"), CultureInfo.InvariantCulture);
        var efConstruction = int.Parse(Arg(args, "--ef-construction", "100"), CultureInfo.InvariantCulture);
        var efSearches = Ints(Arg(args, "--ef-search", "16,32,64,128,256,512,1024"));
        var dataType = Enum.Parse<VectorDataType>(Arg(args, "--dtype", "Float32"));
        var dataKinds = Arg(args, "--data", "random,clustered").Split(',');
        if (dataKinds.FirstOrDefault(k => k is not ("random" or "clustered")) is { } unknown)
            throw new ArgumentException($"--data must list random and/or clustered (got {unknown})");
        var corpus = Arg(args, "--corpus", "");
        var outPath = Arg(args, "--out", Path.Combine("bench-results", "retrieval.json"));
        var work = Arg(args, "--work", Path.Combine(Path.GetTempPath(), "locus-retrieval-bench"));
        Directory.CreateDirectory(work);

        var table = new List<string>
        {
            $"HNSW M={m}, ef_construction={efConstruction}, {dimension}-d {dataType}, {queryCount} queries, k=10, {Environment.ProcessorCount} cores",
            "",
            "| data | rows | build s | file MB | search | recall@10 | p50 ms | p99 ms |",
            "|---|---:|---:|---:|---|---:|---:|---:|",
        };
        var indexResults = new List<object>();
        foreach (var kind in dataKinds)
            foreach (var size in sizes)
                indexResults.Add(RunIndex(size, dimension, queryCount, legacyQueries, m, efConstruction, size <= hnswMaxSize ? efSearches : [], dataType, kind == "clustered", work, table));

        var ingestResults = new List<object>();
        if (corpus.Length > 0)
        {
            var inputs = corpus.Split(',', StringSplitOptions.RemoveEmptyEntries);
            if (ingestLimit < int.MaxValue) inputs = [EncoderIngestBench.FirstSentences(inputs, ingestLimit, work)];
            ingestResults.Add(await RunIngestAsync(inputs, work, hnsw: null));
            ingestResults.Add(await RunIngestAsync(inputs, work, hnsw: new HnswOptions { M = m, EfConstruction = efConstruction }));
            if (encoderModel.Length > 0)
                ingestResults.AddRange(await EncoderIngestBench.RunAsync(inputs, encoderModel, encoderShape[0], encoderShape[1], work, table));
        }

        var report = new
        {
            Machine = new { Environment.ProcessorCount, Os = Environment.OSVersion.ToString(), Runtime = Environment.Version.ToString() },
            Settings = new { Data = dataKinds, Dimension = dimension, Queries = queryCount, M = m, EfConstruction = efConstruction, DataType = dataType.ToString() },
            Indexes = indexResults,
            Ingest = ingestResults,
        };
        BenchReport.Write(outPath, "retrieval", report);
        var tablePath = Path.ChangeExtension(outPath, ".md");
        await File.WriteAllLinesAsync(tablePath, table);
        Console.WriteLine($"wrote {outPath} and {tablePath}");
        return 0;
    }

    private static object RunIndex(int size, int dimension, int queryCount, int legacyQueries, int m, int efConstruction, int[] efSearches, VectorDataType dataType, bool clustered, string work, List<string> table)
    {
        var dataName = clustered ? "clustered" : "random";
        var path = Path.Combine(work, $"bench-{dataName}-{size}.lvi");
        var hnsw = efSearches.Length == 0 ? null : new HnswOptions { M = m, EfConstruction = efConstruction };
        var build = Stopwatch.StartNew();
        double buildSeconds;
        using (var index = VectorIndex.Create("random", dimension, new VectorIndexOptions { DataType = dataType, Hnsw = hnsw }))
        {
            Generate(size, dimension, clustered, vectors =>
            {
                var start = index.Count;
                index.Add(vectors, Enumerable.Range(start, vectors.Length).Select(i => new VectorRecordMetadata((ulong)i, "", "random", i)).ToArray());
                if ((start / GenerateBatch) % 5 == 4) Console.Error.WriteLine($"  {dataName} {size:N0}: {start + vectors.Length:N0} inserted, {build.Elapsed.TotalSeconds:0}s");
            });
            buildSeconds = build.Elapsed.TotalSeconds;
            index.Save(path);
            Console.Error.WriteLine($"  {dataName} {size:N0}: built in {buildSeconds:0.0}s, saved in {build.Elapsed.TotalSeconds - buildSeconds:0.0}s");
        }
        var saveSeconds = build.Elapsed.TotalSeconds - buildSeconds;

        var open = Stopwatch.StartNew();
        using var loaded = VectorIndex.Open(path);
        var openMs = open.Elapsed.TotalMilliseconds;
        var queries = Queries(queryCount, dimension, clustered);

        var truth = new HashSet<int>[queryCount];
        var exactLatency = new double[queryCount];
        for (var q = 0; q < queryCount; q++)
        {
            var watch = Stopwatch.StartNew();
            var hits = loaded.Search(queries[q], new IndexSearchOptions { K = 10, Exact = true });
            exactLatency[q] = watch.Elapsed.TotalMilliseconds;
            truth[q] = hits.Select(h => h.Row).ToHashSet();
        }

        var legacyLatency = new double[Math.Min(legacyQueries, queryCount)];
        var legacyAgrees = true;
        for (var q = 0; q < legacyLatency.Length; q++)
        {
            var watch = Stopwatch.StartNew();
            var rows = LegacyExactSearch.TopK(loaded.Storage, queries[q], 10);
            legacyLatency[q] = watch.Elapsed.TotalMilliseconds;
            legacyAgrees &= rows.ToHashSet().SetEquals(truth[q]);
        }

        var batchWatch = Stopwatch.StartNew();
        var batched = loaded.SearchMany(queries, new IndexSearchOptions { K = 10, Exact = true });
        var batchedMsPerQuery = batchWatch.Elapsed.TotalMilliseconds / queryCount;
        var batchedAgrees = Enumerable.Range(0, queryCount).All(q => batched[q].Select(h => h.Row).ToHashSet().SetEquals(truth[q]));

        var hnswRows = new List<object>();
        foreach (var ef in efSearches)
        {
            var latency = new double[queryCount];
            var found = 0;
            loaded.Search(queries[0], new IndexSearchOptions { K = 10, EfSearch = ef });   // warm-up
            for (var q = 0; q < queryCount; q++)
            {
                var watch = Stopwatch.StartNew();
                var hits = loaded.Search(queries[q], new IndexSearchOptions { K = 10, EfSearch = ef });
                latency[q] = watch.Elapsed.TotalMilliseconds;
                found += hits.Count(h => truth[q].Contains(h.Row));
            }
            var recall = found / (10.0 * queryCount);
            hnswRows.Add(new { EfSearch = ef, RecallAt10 = recall, P50Ms = Percentile(latency, 0.5), P99Ms = Percentile(latency, 0.99) });
            table.Add(Row(dataName, size, buildSeconds, path, $"hnsw ef={ef}", recall, latency));
            Console.WriteLine(table[^1]);
        }
        table.Add(Row(dataName, size, buildSeconds, path, $"exact, before ({legacyLatency.Length} queries{(legacyAgrees ? "" : ", DIFFERENT HITS")})", 1.0, legacyLatency));
        table.Add(Row(dataName, size, buildSeconds, path, "exact, one query at a time", 1.0, exactLatency));
        table.Add(string.Create(CultureInfo.InvariantCulture,
            $"| {dataName} | {size:N0} | {buildSeconds:0.0} | {new FileInfo(path).Length / 1e6:0.0} | exact, {queryCount} queries in one SearchMany{(batchedAgrees ? "" : ", DIFFERENT HITS")} | 1.000 | {batchedMsPerQuery:0.000} per query | |"));
        foreach (var line in table.TakeLast(3)) Console.WriteLine(line);
        var result = new
        {
            Data = dataName,
            Size = size,
            BuildSeconds = buildSeconds,
            SaveSeconds = saveSeconds,
            FileBytes = new FileInfo(path).Length,
            OpenMs = openMs,
            Exact = new { P50Ms = Percentile(exactLatency, 0.5), P99Ms = Percentile(exactLatency, 0.99) },
            ExactBefore = new { Queries = legacyLatency.Length, P50Ms = Percentile(legacyLatency, 0.5), P99Ms = Percentile(legacyLatency, 0.99), SameHits = legacyAgrees },
            ExactBatched = new { Queries = queryCount, MsPerQuery = batchedMsPerQuery, SameHits = batchedAgrees },
            Hnsw = hnswRows,
        };
        loaded.Dispose();
        File.Delete(path);
        return result;
    }

    private static async Task<object> RunIngestAsync(string[] inputs, string work, HnswOptions? hnsw)
    {
        var directory = Path.Combine(work, hnsw is null ? "ingest-exact" : "ingest-hnsw");
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        Directory.CreateDirectory(directory);
        var files = CorpusReader.ExpandInputs(inputs);
        var fit = Stopwatch.StartNew();
        var statistics = LexicalStatistics.Fit(new CorpusReader().ReadSentences(files).Take(200_000));
        var fitSeconds = fit.Elapsed.TotalSeconds;
        var encoder = new LexicalEncoder(statistics: statistics);
        var result = await new CorpusIngestor(new CorpusIngestOptions { Index = new VectorIndexOptions { Hnsw = hnsw } }).IngestAsync(files, directory, encoder);
        var seconds = result.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| ingest ({(hnsw is null ? "exact only" : $"hnsw M={hnsw.M} efC={hnsw.EfConstruction}")}) | {result.SentencesSeen:N0} sentences read, {result.SentencesAdded:N0} indexed in {seconds:0.0} s | {result.SentencesSeen / seconds:N0} sentences/s | idf fit {fitSeconds:0.0} s |"));
        return new
        {
            Graph = hnsw is null ? "none" : $"hnsw M={hnsw.M} efC={hnsw.EfConstruction}",
            Files = files.Count,
            result.SentencesSeen,
            result.SentencesAdded,
            result.ExactDuplicates,
            result.NearDuplicates,
            Seconds = seconds,
            SentencesPerSecond = result.SentencesSeen / seconds,
            IdfFitSeconds = fitSeconds,
        };
    }

    private const int GenerateBatch = 10_000;

    /// <summary>
    /// The bench's <paramref name="size"/> indexed vectors (seed 1234; clustered: around the 1,000 centres of seed 7),
    /// handed to <paramref name="consume"/> in batches of 10,000 so a million rows never sit in memory twice.
    /// </summary>
    internal static void Generate(int size, int dimension, bool clustered, Action<float[][]> consume)
    {
        var centres = Centres(dimension, clustered);
        var random = new Random(1234);
        for (var start = 0; start < size; start += GenerateBatch)
            consume(Sample(random, Math.Min(GenerateBatch, size - start), dimension, centres));
    }

    /// <summary>The bench's query vectors (seed 99), drawn like the indexed ones.</summary>
    internal static float[][] Queries(int count, int dimension, bool clustered) => Sample(new Random(99), count, dimension, Centres(dimension, clustered));

    private static float[][]? Centres(int dimension, bool clustered) => clustered ? RandomUnit(new Random(7), 1000, dimension) : null;

    private static float[][] Sample(Random random, int count, int dimension, float[][]? centres)
    {
        var vectors = RandomUnit(random, count, dimension);
        if (centres is null) return vectors;
        foreach (var v in vectors)
        {
            // centre + unit noise, renormalised: cosine to the centre ≈ 1/√2.
            TensorPrimitives.Add(v, centres[random.Next(centres.Length)], v);
            TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        }
        return vectors;
    }

    private static float[][] RandomUnit(Random random, int count, int dimension)
    {
        var vectors = new float[count][];
        for (var i = 0; i < count; i++)
        {
            var v = new float[dimension];
            // Gaussian components give directions uniform on the sphere.
            for (var d = 0; d < dimension; d++) v[d] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
            vectors[i] = v;
        }
        return vectors;
    }

    private static string Row(string data, int size, double buildSeconds, string path, string search, double recall, double[] latency) =>
        string.Create(CultureInfo.InvariantCulture,
            $"| {data} | {size:N0} | {buildSeconds:0.0} | {new FileInfo(path).Length / 1e6:0.0} | {search} | {recall:0.000} | {Percentile(latency, 0.5):0.000} | {Percentile(latency, 0.99):0.000} |");

    internal static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    internal static string Arg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    internal static int IntArg(string[] args, string name, int fallback) => int.Parse(Arg(args, name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    internal static int[] Ints(string list) => list.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
}
