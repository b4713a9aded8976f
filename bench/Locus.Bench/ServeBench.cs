using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Locus.Serving;
using Locus.Specialization.Runs;
using Locus.Training.FineTuning;
using TorchSharp;

namespace Locus.Bench;

/// <summary>
/// Load benchmark of <c>locus serve</c> on loopback: single-text requests at concurrency 1, 8 and 32 against one model
/// (throughput, p50/p99 latency), the same with requests spread over N adapters of one base (copies of the model's
/// adapter under different names), against in-process batched <c>predict</c> on the same model and texts; plus the
/// resident memory of one loaded model and of N adapters on one base, each measured in a fresh child process.
/// Bounded in requests and seconds per level. Writes bench/results/serve.{json,md}.
/// </summary>
public static class ServeBench
{
    static string Arg(string[] args, string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;

    /// <summary>
    /// <c>serve --model runs/NAME --texts corpus.txt [--requests 400] [--seconds 60] [--adapters 20] [--threads 2] [--out bench/results]</c>.
    /// </summary>
    public static int Run(string[] args)
    {
        var modelArg = Arg(args, "--model", "");
        if (modelArg.Length == 0) { Console.Error.WriteLine("serve bench: --model is required"); return 2; }
        var textsPath = Arg(args, "--texts", "");
        var requests = int.Parse(Arg(args, "--requests", "400"), CultureInfo.InvariantCulture);
        var seconds = double.Parse(Arg(args, "--seconds", "60"), CultureInfo.InvariantCulture);
        var adapters = int.Parse(Arg(args, "--adapters", "20"), CultureInfo.InvariantCulture);
        var threads = int.Parse(Arg(args, "--threads", "0"), CultureInfo.InvariantCulture);
        var outDir = Arg(args, "--out", "bench/results");
        if (threads > 0) torch.set_num_threads(threads);
        var loadStart = File.ReadAllText("/proc/loadavg").Split(' ')[0];

        var folder = ModelLocator.ResolveAsync(modelArg, CancellationToken.None).GetAwaiter().GetResult();
        var texts = File.ReadLines(textsPath).Where(l => l.Trim().Length > 0).Take(512).ToList();
        Console.Error.WriteLine($"[serve-bench] {folder}: {texts.Count} texts, {requests} requests per level (at most {seconds} s), threads {torch.get_num_threads()}, load {loadStart}");

        // In-process batched predict, the reference: one loaded model, warmed up on every text once, measured right
        // before each server level (the machine is shared, so a reference taken once would compare different loads).
        using var reference = TrainedModel.Load(folder);
        var predictor = reference.Predictor(32);
        foreach (var chunk in texts.Chunk(32)) predictor.Predict(chunk);
        double InProcess()
        {
            var clock = Stopwatch.StartNew();
            var done = 0;
            foreach (var chunk in texts.Chunk(32))
            {
                predictor.Predict(chunk);
                done += chunk.Length;
                if (clock.Elapsed.TotalSeconds > seconds) break;
            }
            var rate = done / clock.Elapsed.TotalSeconds;
            Console.Error.WriteLine($"[serve-bench] in-process batched predict: {rate:F1} texts/s");
            return rate;
        }

        var single = Levels(new ServeOptions { Models = [$"m0={folder}"], Urls = ["http://127.0.0.1:0"] }, ["m0"], texts, requests, seconds, InProcess);
        var adapterNames = Enumerable.Range(0, adapters).Select(i => $"a{i}").ToList();
        var many = Levels(new ServeOptions { Models = adapterNames.Select(n => $"{n}={folder}").ToList(), Urls = ["http://127.0.0.1:0"] }, adapterNames, texts, requests, seconds, InProcess);
        var (mixed, sequential) = MixedVersusSequential(folder, adapters, texts);
        var memoryOne = ChildMemory(folder, 1, threads);
        var memoryMany = ChildMemory(folder, adapters, threads);
        var loadEnd = File.ReadAllText("/proc/loadavg").Split(' ')[0];

        var result = new
        {
            model = folder, texts = texts.Count, requests_per_level = requests, max_seconds_per_level = seconds, threads = torch.get_num_threads(),
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim(),
            load_average_start = loadStart, load_average_end = loadEnd,
            malloc_mmap_threshold = Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") ?? "unset",
            one_model = single, adapters = new { count = adapters, levels = many },
            adapters_in_process = new { batch = 32, mixed_texts_per_second = mixed, one_adapter_after_another_texts_per_second = sequential },
            memory = new { one_model_rss_mb = memoryOne, adapters_rss_mb = memoryMany, ratio = memoryMany / memoryOne },
        };
        BenchReport.Write(Path.Combine(outDir, "serve.json"), "serve", result);
        File.WriteAllText(Path.Combine(outDir, "serve.md"), Markdown(result.cpu, loadStart, loadEnd, folder, texts.Count, single, many, adapters, memoryOne, memoryMany, requests)
            + string.Create(CultureInfo.InvariantCulture, $"\nIn process, a micro-batch of 32 single-text requests spread over the {adapters} adapters (median of 5 interleaved repeats): one shared forward pass per batch (per-row LoRA updates) {mixed:F1} texts/s; one forward pass per adapter {sequential:F1} texts/s.\n"));
        Console.WriteLine(File.ReadAllText(Path.Combine(outDir, "serve.md")));
        return 0;
    }

    static (double Mixed, double Sequential) MixedVersusSequential(string folder, int adapters, IReadOnlyList<string> texts)
    {
        using var catalog = Locus.Serving.Models.ModelCatalog.LoadAsync(Enumerable.Range(0, adapters).Select(i => $"a{i}={folder}").ToList()).GetAwaiter().GetResult();
        var set = ((Locus.Serving.Models.AdapterSetBackend)catalog.Backends[0]).Set;
        var mixed = new List<double>();
        var sequential = new List<double>();
        for (var repeat = 0; repeat < 6; repeat++)
        {
            var requests = Enumerable.Range(0, 32).Select(i => (Model: $"a{i % adapters}", Text: texts[(repeat * 32 + i) % texts.Count]))
                .GroupBy(r => r.Model).Select(g => (g.Key, (IReadOnlyList<string>)g.Select(r => r.Text).ToList())).ToList();
            var clock = Stopwatch.StartNew();
            set.PredictMany(requests);
            var m = 32 / clock.Elapsed.TotalSeconds;
            clock.Restart();
            foreach (var (model, batch) in requests) set.Predict(model, batch);
            var q = 32 / clock.Elapsed.TotalSeconds;
            if (repeat == 0) continue; // warm-up
            mixed.Add(m);
            sequential.Add(q);
        }
        Console.Error.WriteLine($"[serve-bench] {adapters} adapters in process: mixed {mixed.Order().ElementAt(2):F1} texts/s, one after another {sequential.Order().ElementAt(2):F1} texts/s");
        return (mixed.Order().ElementAt(2), sequential.Order().ElementAt(2));
    }

    /// <summary>Throughput and latency at one concurrency.</summary>
    public sealed record Level(int Concurrency, int Requests, double Seconds, double RequestsPerSecond, double P50Ms, double P99Ms, double BatchesPerRequest,
        double InProcessTextsPerSecond);

    static List<Level> Levels(ServeOptions options, IReadOnlyList<string> models, IReadOnlyList<string> texts, int requests, double seconds, Func<double> inProcess)
    {
        var server = LocusServer.StartAsync(options).GetAwaiter().GetResult();
        try
        {
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri(server.Urls[0]), Timeout = TimeSpan.FromMinutes(5) };
            foreach (var m in models.Take(3)) Send(client, m, texts[0]).GetAwaiter().GetResult();
            var levels = new List<Level>();
            foreach (var concurrency in new[] { 1, 8, 32 })
            {
                var reference = inProcess();
                var batchesBefore = server.Batchers.Sum(b => b.Batches);
                var latencies = new List<double>();
                var next = -1;
                var clock = Stopwatch.StartNew();
                var workers = Enumerable.Range(0, concurrency).Select(async _ =>
                {
                    while (true)
                    {
                        var i = Interlocked.Increment(ref next);
                        if (i >= requests || clock.Elapsed.TotalSeconds > seconds) return;
                        var start = Stopwatch.GetTimestamp();
                        await Send(client, models[i % models.Count], texts[i % texts.Count]);
                        lock (latencies) latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }
                }).ToArray();
                Task.WaitAll(workers);
                var wall = clock.Elapsed.TotalSeconds;
                latencies.Sort();
                var level = new Level(concurrency, latencies.Count, wall, latencies.Count / wall, Percentile(latencies, 0.5), Percentile(latencies, 0.99),
                    (server.Batchers.Sum(b => b.Batches) - batchesBefore) / (double)latencies.Count, reference);
                Console.Error.WriteLine($"[serve-bench] {models.Count} model(s), concurrency {concurrency}: {level.RequestsPerSecond:F1} req/s, p50 {level.P50Ms:F1} ms, p99 {level.P99Ms:F1} ms");
                levels.Add(level);
            }
            return levels;
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    static async Task Send(HttpClient client, string model, string text)
    {
        using var response = await client.PostAsJsonAsync($"/v1/models/{model}/predict", new { text });
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
    }

    static double Percentile(List<double> sorted, double q) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    /// <summary>The child process: loads <c>--adapters N</c> copies of the model on one base and prints the resident set growth in MB.</summary>
    public static int RunMemoryChild(string[] args)
    {
        var folder = Arg(args, "--model", "");
        var count = int.Parse(Arg(args, "--adapters", "1"), CultureInfo.InvariantCulture);
        GC.Collect();
        var before = Rss();
        using var catalog = Locus.Serving.Models.ModelCatalog.LoadAsync(Enumerable.Range(0, count).Select(i => $"a{i}={folder}").ToList()).GetAwaiter().GetResult();
        catalog.Backends[0].Predict(catalog.Models[0].Name, ["warm up"], CancellationToken.None);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Console.WriteLine((Rss() - before).ToString("F1", CultureInfo.InvariantCulture));
        return 0;
    }

    static double Rss() => File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
        .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1] is var kb ? double.Parse(kb, CultureInfo.InvariantCulture) / 1024 : 0;

    static double ChildMemory(string folder, int adapters, int threads)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal)) start.ArgumentList.Add(typeof(ServeBench).Assembly.Location);
        foreach (var a in new[] { "serve-memory", "--model", folder, "--adapters", adapters.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(a);
        using var child = Process.Start(start)!;
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        var mb = double.Parse(output.Trim().Split('\n')[^1], CultureInfo.InvariantCulture);
        Console.Error.WriteLine($"[serve-bench] resident memory of {adapters} adapter(s) on one base: {mb:F1} MB");
        return mb;
    }

    static string Markdown(string? cpu, string loadStart, string loadEnd, string folder, int texts, List<Level> single, List<Level> many, int adapters,
        double memoryOne, double memoryMany, int requests)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine("# `locus serve` load benchmark");
        md.AppendLine();
        md.AppendLine(string.Create(inv, $"Model `{folder}`; {texts} distinct texts (one per request); up to {requests} requests per level; loopback HTTP/1.1; CPU {cpu}; load average {loadStart} at start, {loadEnd} at end (a shared 2-core machine). Command: `dotnet run --project bench/Locus.Bench -c Release -- serve ...` (see README)."));
        md.AppendLine();
        md.AppendLine("The reference is in-process batched `predict` on the same model and texts (batch 32, the model warmed up on every text once), measured in the same process right before each level, since the machine is shared.");
        md.AppendLine();
        md.AppendLine("| served | concurrency | requests | req/s | in-process texts/s just before | % of in-process | p50 ms | p99 ms | micro-batches per request |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, levels) in new[] { ("1 model", single), ($"{adapters} adapters, 1 base", many) })
            foreach (var l in levels)
                md.AppendLine(string.Create(inv, $"| {name} | {l.Concurrency} | {l.Requests} | {l.RequestsPerSecond:F1} | {l.InProcessTextsPerSecond:F1} | {100 * l.RequestsPerSecond / l.InProcessTextsPerSecond:F0} % | {l.P50Ms:F1} | {l.P99Ms:F1} | {l.BatchesPerRequest:F2} |"));
        md.AppendLine();
        md.AppendLine(string.Create(inv, $"Resident memory added by loading (fresh process each): one model {memoryOne:F0} MB; {adapters} adapters on one base {memoryMany:F0} MB (**{memoryMany / memoryOne:F2}x**). The {adapters} adapters are copies of the model's adapter under different names: the same sizes as distinct adapters."));
        return md.ToString();
    }
}
