using Locus.Bench;

Locus.Models.NativeEnvironment.Configure();

// Benchmarks by name: dotnet run --project bench/Locus.Bench -c Release -- <name> [options]
// Each writes JSON under bench-results/ and prints a short table.
var benches = new Dictionary<string, Func<string[], int>>(StringComparer.OrdinalIgnoreCase)
{
    ["atlas"] = AtlasBench.Run,
    ["encoder"] = a => EncoderThroughputBench.RunAsync(a).GetAwaiter().GetResult(),
    ["fewshot"] = FewShotBench.Run,
    ["finetune"] = FineTuneBench.Run,
    ["finetune-step"] = FineTuneBench.RunStep, // the child process of "finetune"
    ["hnsw-encode"] = a => HnswPeerBench.EncodeAsync(a).GetAwaiter().GetResult(),
    ["hnsw-export"] = HnswPeerBench.Export,
    ["hnsw-run"] = HnswPeerBench.Run,
    ["llm-throughput"] = LlmThroughputBench.Run,
    ["retrieval"] = a => RetrievalBenchmark.RunAsync(a).GetAwaiter().GetResult(),
    ["sentence-encoder"] = SentenceEncoderBench.Run,
    ["serve"] = ServeBench.Run,
    ["serve-memory"] = ServeBench.RunMemoryChild, // the child process of "serve"
};
if (args.Length == 0 || !benches.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: Locus.Bench <{string.Join('|', benches.Keys)}> [options]");
    return 2;
}
return run(args[1..]);
