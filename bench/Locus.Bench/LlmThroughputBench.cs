using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Locus.Data;
using Locus.Synthesis;

namespace Locus.Bench;

/// <summary>
/// LLM-stage throughput: the real synthesiser and gateway (OpenAI client, retries, rounds) against a local fake
/// OpenAI-compatible server on 127.0.0.1 that answers every chat completion after a fixed latency with valid JSON
/// examples. Reports requests/min at each concurrency against the ideal concurrency / latency.
/// <code>dotnet run --project bench/Locus.Bench -c Release -- llm-throughput [--concurrency 4,16,64] [--latency-ms 500] [--rounds 6] [--out bench/results]</code>
/// </summary>
public static class LlmThroughputBench
{
    public static int Run(string[] args)
    {
        var concurrencies = Option(args, "--concurrency", "4,16,64").Split(',').Select(int.Parse).ToArray();
        var latency = TimeSpan.FromMilliseconds(double.Parse(Option(args, "--latency-ms", "500"), CultureInfo.InvariantCulture));
        var rounds = int.Parse(Option(args, "--rounds", "6"), CultureInfo.InvariantCulture);
        var outFolder = Option(args, "--out", "bench/results");

        using var server = new LatencyServer(latency);
        // Warm-up: JIT, the HTTP connection pool.
        Measure(server, 8, 2, CancellationToken.None);

        var rows = new List<JsonObject>();
        var loadBefore = LoadAverage();
        foreach (var concurrency in concurrencies)
        {
            var (requests, elapsed, kept, maxInFlight) = Measure(server, concurrency, rounds, CancellationToken.None);
            var perMinute = requests / elapsed.TotalMinutes;
            var ideal = concurrency / latency.TotalMinutes;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"concurrency {concurrency,3}: {requests} requests in {elapsed.TotalSeconds:F2} s = {perMinute:F0} requests/min; ideal {ideal:F0}; {perMinute / ideal:P1}; max in flight {maxInFlight}; {kept} examples kept"));
            rows.Add(new JsonObject
            {
                ["concurrency"] = concurrency, ["rounds"] = rounds, ["requests"] = requests, ["seconds"] = Math.Round(elapsed.TotalSeconds, 3),
                ["requests_per_min"] = Math.Round(perMinute, 1), ["ideal_per_min"] = Math.Round(ideal, 1), ["fraction_of_ideal"] = Math.Round(perMinute / ideal, 4),
                ["max_in_flight"] = maxInFlight, ["examples_kept"] = kept,
            });
        }
        var loadAfter = LoadAverage();
        var report = new JsonObject
        {
            ["bench"] = "llm-throughput",
            ["latency_ms"] = latency.TotalMilliseconds,
            ["command"] = "dotnet run --project bench/Locus.Bench -c Release -- " + string.Join(' ', new[] { "llm-throughput" }.Concat(args)),
            ["load_average_before"] = loadBefore, ["load_average_after"] = loadAfter,
            ["processors"] = Environment.ProcessorCount,
            ["date_utc"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture),
            ["results"] = new JsonArray([.. rows]),
        };
        BenchReport.Write(Path.Combine(outFolder, "llm-throughput.json"), "llm-throughput", report);
        var md = new StringBuilder();
        md.AppendLine("# LLM stage throughput");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"`{report["command"]}` on {report["date_utc"]}, {Environment.ProcessorCount} cores, load average {loadBefore} before and {loadAfter} after.");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"The real `LlmSynthesizer` and `LlmGateway` (OpenAI client, retry pipeline, pipelined rounds, requests per round = the concurrency) against a fake OpenAI-compatible server on 127.0.0.1 (HttpListener) that answers every chat completion after {latency.TotalMilliseconds:0} ms with valid NER examples; {rounds} rounds, no cache, no retrieval. Ideal = concurrency / latency.");
        md.AppendLine();
        md.AppendLine("| concurrency | requests | seconds | requests/min | ideal/min | of ideal | max in flight |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var row in rows)
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {row["concurrency"]} | {row["requests"]} | {row["seconds"]} | {row["requests_per_min"]} | {row["ideal_per_min"]} | {row["fraction_of_ideal"]!.GetValue<double>():P1} | {row["max_in_flight"]} |");
        File.WriteAllText(Path.Combine(outFolder, "llm-throughput.md"), md.ToString());
        Console.WriteLine($"wrote {Path.Combine(outFolder, "llm-throughput.{json,md}")}");
        return 0;
    }

    private static (int Requests, TimeSpan Elapsed, int Kept, int MaxInFlight) Measure(LatencyServer server, int concurrency, int rounds, CancellationToken cancellationToken)
    {
        var endpoint = new LlmEndpointOptions
        {
            Endpoint = server.Endpoint, Model = "fake-model", MaxConcurrency = concurrency, Timeout = TimeSpan.FromSeconds(30), MaxRetries = 2,
            RetryBaseDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromSeconds(1),
        };
        using var gateway = LlmGateway.Create(endpoint);
        var synthesizer = new LlmSynthesizer(gateway, new SynthesisOptions { Rounds = rounds, ExamplesPerRequest = 2, RetrievedPerRequest = 0 });
        server.ResetInFlight();
        var clock = Stopwatch.StartNew();
        var result = synthesizer.SynthesizeAsync(Schema, Seeds, cancellationToken: cancellationToken).GetAwaiter().GetResult();
        clock.Stop();
        return (result.Usage.Requests, clock.Elapsed, result.Examples.Count, server.MaxInFlight);
    }

    private static readonly LabelSchema Schema = new(DataTask.Ner,
    [
        new LabelDefinition("PER", "the name of a person"),
        new LabelDefinition("LOC", "a place"),
    ]);

    private static readonly IReadOnlyList<Example> Seeds =
    [
        new NerExample("Alice moved to Paris.", [new EntitySpan(0, 5, "PER"), new EntitySpan(15, 20, "LOC")]),
        new NerExample("Bob lives in Rome.", [new EntitySpan(0, 3, "PER"), new EntitySpan(13, 17, "LOC")]),
    ];

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    /// <summary>A fake OpenAI-compatible server: every chat completion is answered after a fixed latency with two valid, distinct NER examples.</summary>
    private sealed class LatencyServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly TimeSpan _latency;
        private readonly CancellationTokenSource _stopping = new();
        private readonly Task _loop;
        private int _calls;
        private int _inFlight;
        private int _maxInFlight;

        public LatencyServer(TimeSpan latency)
        {
            _latency = latency;
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            Endpoint = new Uri($"http://127.0.0.1:{port}/v1");
            _loop = Task.Run(AcceptAsync);
        }

        public Uri Endpoint { get; }

        public int MaxInFlight => Volatile.Read(ref _maxInFlight);

        public void ResetInFlight() => Volatile.Write(ref _maxInFlight, 0);

        private async Task AcceptAsync()
        {
            while (!_stopping.IsCancellationRequested)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception) when (_stopping.IsCancellationRequested)
                {
                    return;
                }
                _ = Task.Run(() => HandleAsync(context));
            }
        }

        private async Task HandleAsync(HttpListenerContext context)
        {
            try
            {
                using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8)) await reader.ReadToEndAsync();
                var call = Interlocked.Increment(ref _calls);
                var now = Interlocked.Increment(ref _inFlight);
                int seen;
                while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen) { }
                await Task.Delay(_latency, _stopping.Token);
                Interlocked.Decrement(ref _inFlight);
                var content = new JsonObject
                {
                    ["examples"] = new JsonArray(
                        Example($"Person{call}a visited Town{call}a.", $"Person{call}a", $"Town{call}a"),
                        Example($"Person{call}b flew to Town{call}b.", $"Person{call}b", $"Town{call}b")),
                }.ToJsonString();
                var body = Encoding.UTF8.GetBytes(new JsonObject
                {
                    ["id"] = $"chatcmpl-{call}", ["object"] = "chat.completion", ["created"] = 1_700_000_000, ["model"] = "fake-model",
                    ["choices"] = new JsonArray(new JsonObject
                    {
                        ["index"] = 0, ["finish_reason"] = "stop",
                        ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
                    }),
                    ["usage"] = new JsonObject { ["prompt_tokens"] = 300, ["completion_tokens"] = 60, ["total_tokens"] = 360 },
                }.ToJsonString());
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json";
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
            catch (Exception)
            {
                try { context.Response.Abort(); } catch (Exception) { }
            }
        }

        private static JsonObject Example(string text, string person, string town) => new()
        {
            ["text"] = text,
            ["entities"] = new JsonArray(
                new JsonObject { ["text"] = person, ["label"] = "PER" },
                new JsonObject { ["text"] = town, ["label"] = "LOC" }),
        };

        public void Dispose()
        {
            _stopping.Cancel();
            _listener.Stop();
            _listener.Close();
            try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
            _stopping.Dispose();
        }
    }
}
