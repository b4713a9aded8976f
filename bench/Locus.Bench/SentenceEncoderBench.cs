using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Locus.Models.Builtin;
using Locus.Models.Tokenization;
using Locus.Retrieval.Embeddings;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Locus.Bench;

/// <summary>
/// Sentence-embedding throughput of a built-in encoder: Locus (TransformerSentenceEncoder, float32 and bfloat16)
/// against ONNX Runtime running the package's own graph, on the same sentences, the same token ids, the same
/// length-sorted batches and the same thread count, repeats interleaved (Locus, ORT, Locus, ...); median and best.
/// Usage: sentence-encoder [--model builtin:NAME] [--texts 2000] [--threads 2] [--batch 64] [--repeats 3] [--out FILE]
/// </summary>
internal static class SentenceEncoderBench
{
    public static int Run(string[] args)
    {
        string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        var builtin = BuiltinModels.Find(Arg("--model", BuiltinModels.DefaultReference));
        var count = int.Parse(Arg("--texts", "2000"), CultureInfo.InvariantCulture);
        var threads = int.Parse(Arg("--threads", "2"), CultureInfo.InvariantCulture);
        var batch = int.Parse(Arg("--batch", "64"), CultureInfo.InvariantCulture);
        var repeats = int.Parse(Arg("--repeats", "3"), CultureInfo.InvariantCulture);
        var output = Arg("--out", "bench/results/sentence-encoder.json");
        var data = Arg("--data", Path.Combine("..", "shared", "data"));

        var sets = new (string Name, List<string> Texts)[]
        {
            ("banking77 queries", Banking77(Path.Combine(data, "classification/banking77/train.csv")).Take(count).ToList()),
            ("wnut17 tweets", ConllSentences(Path.Combine(data, "ner/wnut17/train.conll")).Take(count).ToList()),
            ("bc5cdr abstracts", ConllSentences(Path.Combine(data, "ner/bc5cdr/train.tsv")).Take(count).ToList()),
        };
        var folder = BuiltinModels.Materialise(builtin);
        var tokenizer = TokenizerFactory.FromFolder(folder);
        var (onnx, _) = BuiltinModels.ReadPackaged(builtin);
        var sessionOptions = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        using var session = new InferenceSession(onnx, sessionOptions);
        using var fp32 = new TransformerSentenceEncoder(new TransformerEncoderOptions { ModelPath = folder, BatchSize = batch, Threads = threads });
        using var bf16 = new TransformerSentenceEncoder(new TransformerEncoderOptions { ModelPath = folder, BatchSize = batch, Threads = threads, BFloat16 = true });

        var rows = new List<Dictionary<string, object>>();
        var table = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"Sentence embeddings, {builtin.Reference}: {threads} thread(s), batch {batch}, {repeats} interleaved repeats (median; best in brackets); load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at start, MALLOC_MMAP_THRESHOLD_={Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") ?? "unset"}"),
            "",
            "| sentences | mean tokens | Locus fp32 sent/s | Locus bf16 sent/s | ONNX Runtime fp32 sent/s | Locus fp32 / ORT | Locus bf16 / ORT | cosine(Locus, ORT) min |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        };
        foreach (var (name, texts) in sets)
        {
            var meanTokens = texts.Average(t => tokenizer.Encode(t, null, EncodeOptions.Truncated(fp32.MaxLength)).Ids.Length);
            // Warm-up: kernel selection and allocations happen on the first batches.
            fp32.EncodeAsync(texts.Take(batch).ToList()).GetAwaiter().GetResult();
            bf16.EncodeAsync(texts.Take(batch).ToList()).GetAwaiter().GetResult();
            OrtEncode(session, tokenizer, texts.Take(batch).ToList(), batch, fp32.MaxLength);
            var times = new Dictionary<string, List<double>> { ["fp32"] = [], ["bf16"] = [], ["ort"] = [] };
            float[][] locusVectors = [], ortVectors = [];
            for (var r = 0; r < repeats; r++)
            {
                locusVectors = Timed(times["fp32"], () => fp32.EncodeAsync(texts).GetAwaiter().GetResult());
                ortVectors = Timed(times["ort"], () => OrtEncode(session, tokenizer, texts, batch, fp32.MaxLength));
                Timed(times["bf16"], () => bf16.EncodeAsync(texts).GetAwaiter().GetResult());
            }
            var minCosine = locusVectors.Zip(ortVectors, (a, b) => TensorPrimitives.Dot(a, b)).Min();
            double Rate(string mode) => texts.Count / Median(times[mode]);
            double Best(string mode) => texts.Count / times[mode].Min();
            table.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {texts.Count:N0} {name} | {meanTokens:0.0} | {Rate("fp32"):N0} ({Best("fp32"):N0}) | {Rate("bf16"):N0} ({Best("bf16"):N0}) | {Rate("ort"):N0} ({Best("ort"):N0}) | {Rate("fp32") / Rate("ort"):0.00} | {Rate("bf16") / Rate("ort"):0.00} | {minCosine:0.000000} |"));
            Console.WriteLine(table[^1]);
            rows.Add(new()
            {
                ["sentences"] = name, ["count"] = texts.Count, ["mean_tokens"] = meanTokens, ["threads"] = threads, ["batch"] = batch,
                ["seconds"] = times, ["locus_fp32_per_s"] = Rate("fp32"), ["locus_bf16_per_s"] = Rate("bf16"), ["ort_fp32_per_s"] = Rate("ort"),
                ["ratio_fp32"] = Rate("fp32") / Rate("ort"), ["ratio_bf16"] = Rate("bf16") / Rate("ort"), ["min_cosine_locus_ort"] = minCosine,
            });
        }
        BenchReport.Write(output, "sentence-encoder", new { model = builtin.Reference, cpu = CpuName(), rows });
        File.WriteAllLines(Path.ChangeExtension(output, ".md"), table);
        Console.WriteLine(string.Join('\n', table));
        return 0;
    }

    static T Timed<T>(List<double> seconds, Func<T> work)
    {
        var clock = Stopwatch.StartNew();
        var result = work();
        seconds.Add(clock.Elapsed.TotalSeconds);
        return result;
    }

    static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    // The same work as TransformerSentenceEncoder: tokenise, sort by length, batch, run, mean-pool real tokens, L2-normalise.
    static float[][] OrtEncode(InferenceSession session, ITextTokenizer tokenizer, IReadOnlyList<string> texts, int batchSize, int maxLength)
    {
        var ids = texts.Select(t => tokenizer.Encode(t, null, EncodeOptions.Truncated(maxLength)).Ids).ToArray();
        var order = Enumerable.Range(0, ids.Length).OrderBy(i => ids[i].Length).ToArray();
        var vectors = new float[texts.Count][];
        for (var start = 0; start < order.Length; start += batchSize)
        {
            var members = order.Skip(start).Take(batchSize).ToArray();
            var length = members.Max(m => ids[m].Length);
            var input = new long[members.Length * length];
            var mask = new long[members.Length * length];
            for (var i = 0; i < members.Length; i++)
                for (var t = 0; t < ids[members[i]].Length; t++)
                {
                    input[i * length + t] = ids[members[i]][t];
                    mask[i * length + t] = 1;
                }
            int[] shape = [members.Length, length];
            using var results = session.Run(
            [
                NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(input, shape)),
                NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, shape)),
                NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[input.Length], shape)),
            ]);
            var hidden = results.First(r => r.Name == "last_hidden_state").AsTensor<float>().ToArray();
            var size = hidden.Length / input.Length;
            for (var i = 0; i < members.Length; i++)
            {
                var sum = new float[size];
                for (var t = 0; t < ids[members[i]].Length; t++) TensorPrimitives.Add(sum, hidden.AsSpan((i * length + t) * size, size), sum);
                TensorPrimitives.Divide(sum, TensorPrimitives.Norm(sum), sum);
                vectors[members[i]] = sum;
            }
        }
        return vectors;
    }

    static IEnumerable<string> Banking77(string path) =>
        File.ReadLines(path).Skip(1).Select(line => line[..line.LastIndexOf(',')].Trim('"'));

    static IEnumerable<string> ConllSentences(string path)
    {
        var tokens = new List<string>();
        foreach (var line in File.ReadLines(path).Append(""))
        {
            if (line.Trim().Length == 0)
            {
                if (tokens.Count > 0) yield return string.Join(' ', tokens);
                tokens.Clear();
                continue;
            }
            if (!line.StartsWith("-DOCSTART-", StringComparison.Ordinal)) tokens.Add(line.Split('\t', ' ')[0]);
        }
    }

    static string CpuName() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
}
