using System.Globalization;
using Locus.Models.Bert;
using Locus.Models.Encoders;
using Locus.Models.Hub;
using Locus.Retrieval.Embeddings;
using Locus.Retrieval.Index;
using Locus.Retrieval.Ingestion;

namespace Locus.Bench;

/// <summary>
/// Corpus ingestion throughput (sentences/s, exact-only index so the encoder dominates) with the lexical encoder
/// and a transformer encoder in float32 and bfloat16, in one run on the same sentences.
/// </summary>
internal static class EncoderIngestBench
{
    /// <summary>Writes the first <paramref name="limit"/> sentences of <paramref name="inputs"/> to a file in <paramref name="work"/>.</summary>
    public static string FirstSentences(string[] inputs, int limit, string work)
    {
        var path = Path.Combine(work, "ingest-sample.txt");
        File.WriteAllLines(path, new CorpusReader().ReadSentences(CorpusReader.ExpandInputs(inputs)).Take(limit));
        return path;
    }

    /// <summary>Runs the three encoders over <paramref name="inputs"/>; adds a table section and returns the JSON rows.</summary>
    public static async Task<IReadOnlyList<object>> RunAsync(string[] inputs, string model, int hidden, int layers, string work, List<string> table)
    {
        var folder = ResolveModel(model, hidden, layers, work);
        var files = CorpusReader.ExpandInputs(inputs);
        var config = EncoderModels.ReadConfig(folder);
        table.Add("");
        table.Add(string.Create(CultureInfo.InvariantCulture,
            $"Ingest throughput (exact-only index, {Environment.ProcessorCount} cores); transformer: {config.ModelType} hidden {config.HiddenSize}, {config.NumHiddenLayers} layers, from {folder}"));
        table.Add("");
        table.Add("| encoder | sentences read | indexed | seconds | sentences/s |");
        table.Add("|---|---:|---:|---:|---:|");
        var results = new List<object>();
        foreach (var (name, spec) in new[]
        {
            ("lexical (512-d, idf fitted on the input)", new EncoderSpec()),
            ("transformer fp32, mean pooling", new EncoderSpec { Name = EncoderSpec.Transformer, ModelPath = folder }),
            ("transformer bf16, mean pooling", new EncoderSpec { Name = EncoderSpec.Transformer, ModelPath = folder, BFloat16 = true }),
        })
        {
            var directory = Path.Combine(work, "ingest-encoder");
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
            Directory.CreateDirectory(directory);
            var encoder = spec.Create(directory, () => new CorpusReader().ReadSentences(files));
            using var disposable = encoder as IDisposable;
            // Warm-up: the first forward pass pays for oneDNN kernel selection.
            await encoder.EncodeAsync(["warm up the encoder with one short sentence."]);
            var result = await new CorpusIngestor(new CorpusIngestOptions { Index = new VectorIndexOptions { Hnsw = null } }).IngestAsync(files, directory, encoder);
            var seconds = result.Elapsed.TotalSeconds;
            table.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {result.SentencesSeen:N0} | {result.SentencesAdded:N0} | {seconds:0.0} | {result.SentencesSeen / seconds:N0} |"));
            Console.WriteLine(table[^1]);
            results.Add(new { Encoder = name, encoder.ModelId, result.SentencesSeen, result.SentencesAdded, Seconds = seconds, SentencesPerSecond = result.SentencesSeen / seconds });
        }
        return results;
    }

    // A folder with weights is used as it is; one with only tokenizer files (a pre-training still running) gets a
    // random BERT of the requested shape over that vocabulary, which costs the same per token as the trained one.
    private static string ResolveModel(string model, int hidden, int layers, string work)
    {
        if (File.Exists(Path.Combine(model, ModelFiles.Config)) && File.Exists(Path.Combine(model, ModelFiles.Weights))) return Path.GetFullPath(model);
        var folder = Path.Combine(work, $"random-bert-{hidden}x{layers}");
        Directory.CreateDirectory(folder);
        foreach (var file in ModelFiles.TokenizerFiles.Where(f => File.Exists(Path.Combine(model, f))))
            File.Copy(Path.Combine(model, file), Path.Combine(folder, file), overwrite: true);
        var vocabulary = File.ReadLines(Path.Combine(folder, "vocab.txt")).Count();
        var config = new BertConfig
        {
            VocabSize = vocabulary, HiddenSize = hidden, NumHiddenLayers = layers, NumAttentionHeads = Math.Max(1, hidden / 64),
            IntermediateSize = 4 * hidden, MaxPositionEmbeddings = 512,
        };
        using var encoder = EncoderModels.Create(config, seed: 0);
        encoder.SavePretrained(folder);
        Console.Error.WriteLine($"no weights in {model}: benchmarking a random BERT {hidden}x{layers} over its vocabulary ({vocabulary} tokens) in {folder}");
        return folder;
    }
}
