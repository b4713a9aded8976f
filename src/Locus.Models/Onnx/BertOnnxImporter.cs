using System.Globalization;
using System.Text.Json.Nodes;
using Locus.Models.Bert;
using Locus.Models.Checkpoints;
using Locus.Models.Safetensors;
using static TorchSharp.torch;

namespace Locus.Models.Onnx;

/// <summary>What <c>BertOnnxImporter.Import</c> wrote.</summary>
/// <param name="Folder">The Hugging Face folder.</param>
/// <param name="Config">The configuration inferred from the graph.</param>
/// <param name="Parameters">Number of weights written.</param>
/// <param name="MappedFromGraph">Anonymous weight matrices named by following the graph to their bias.</param>
/// <param name="DoLowerCase">The tokenizer setting inferred from the vocabulary.</param>
public sealed record OnnxImportResult(string Folder, BertConfig Config, long Parameters, int MappedFromGraph, bool DoLowerCase);

/// <summary>
/// Turns an ONNX export of a BERT-family encoder (BERT, MiniLM, E5, BGE, sentence-transformers models; graphs from
/// <c>torch.onnx.export</c> or <c>optimum</c> without graph fusion) into a Hugging Face folder: config.json inferred
/// from the graph, model.safetensors with Hugging Face's key names, vocab.txt and tokenizer_config.json.
/// <para>
/// Named initializers keep their names (any prefix before <c>embeddings.</c> such as <c>bert.</c> or
/// <c>0.auto_model.</c> is dropped). Exporters fold the transpose of each <c>nn.Linear</c> weight into an anonymous
/// [in, out] constant (<c>onnx::MatMul_NNN</c>); such a weight is named by the graph: the MatMul it feeds is
/// followed by the Add with the layer's named bias, so the weight is that layer's, transposed back to [out, in].
/// Gemm nodes (the pooler) are read with their <c>transB</c> attribute. Graphs whose attention or layer norms were
/// fused into contrib operators (ORT-optimised: Attention, SkipLayerNormalization, EmbedLayerNormalization) have
/// lost that structure and are refused with a message saying so.
/// </para>
/// </summary>
public static class BertOnnxImporter
{
    static readonly string[] EmbeddingKeys =
    [
        "embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight", "embeddings.token_type_embeddings.weight",
        "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias",
    ];

    static readonly string[] LayerKeys =
    [
        "attention.self.query.weight", "attention.self.query.bias", "attention.self.key.weight", "attention.self.key.bias",
        "attention.self.value.weight", "attention.self.value.bias", "attention.output.dense.weight", "attention.output.dense.bias",
        "attention.output.LayerNorm.weight", "attention.output.LayerNorm.bias", "intermediate.dense.weight", "intermediate.dense.bias",
        "output.dense.weight", "output.dense.bias", "output.LayerNorm.weight", "output.LayerNorm.bias",
    ];

    static readonly string[] FusedOperators = ["Attention", "MultiHeadAttention", "SkipLayerNormalization", "EmbedLayerNormalization", "FastGelu", "BiasGelu"];

    /// <summary>Reads <paramref name="onnxPath"/> and <paramref name="vocabPath"/> and writes the Hugging Face folder <paramref name="outputFolder"/>.</summary>
    /// <exception cref="OnnxImportException">The graph is not a BERT-family encoder this importer can map; the message says what is missing.</exception>
    public static OnnxImportResult Import(string onnxPath, string vocabPath, string outputFolder)
    {
        var graph = OnnxGraph.Load(onnxPath);
        if (!File.Exists(vocabPath)) throw new OnnxImportException($"{vocabPath}: vocabulary file not found");
        try { return Import(graph, File.ReadAllText(vocabPath), outputFolder); }
        catch (OnnxImportException e) { throw new OnnxImportException($"{onnxPath}: {e.Message}"); }
    }

    /// <summary>Maps <paramref name="graph"/> onto BERT and writes the folder; <paramref name="vocabText"/> is vocab.txt's content (LF, CRLF or CR line ends).</summary>
    public static OnnxImportResult Import(OnnxGraph graph, string vocabText, string outputFolder)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var fused = graph.Nodes.Select(n => n.OpType).Distinct().Intersect(FusedOperators).ToList();
        if (fused.Count > 0)
            throw new OnnxImportException($"the graph uses fused operators ({string.Join(", ", fused)}) that hide the layer structure; import the unoptimised export (torch.onnx.export, or optimum without --optimize)");

        var prefix = FindPrefix(graph);
        var (weights, mapped) = CollectWeights(graph, prefix);
        var config = InferConfig(graph, weights);
        CheckComplete(weights, config.NumHiddenLayers);

        var vocab = Tokenization.WordPieceVocabulary.SplitLines(vocabText);
        if (vocab.Count != config.VocabSize)
            throw new OnnxImportException($"the vocabulary has {vocab.Count} tokens but the word embeddings have {config.VocabSize} rows");
        config.PadTokenId = Math.Max(0, vocab.IndexOf("[PAD]"));
        var lowercase = IsUncased(vocab);

        WriteFolder(outputFolder, weights, config, vocab, lowercase);
        return new OnnxImportResult(Path.GetFullPath(outputFolder), config, weights.Values.Sum(w => w.Values.LongLength), mapped, lowercase);
    }

    // An uncased vocabulary has (almost) no token with an ASCII capital outside the bracketed specials; a cased one
    // (bert-base-cased: ~40 %) has thousands. Non-ASCII capitals are not counted: uncased vocabularies keep a few.
    private static bool IsUncased(List<string> vocab) =>
        vocab.Count(t => !(t.StartsWith('[') && t.EndsWith(']')) && t.Any(char.IsAsciiLetterUpper)) <= vocab.Count / 100;

    private sealed record Weight(long[] Shape, float[] Values);

    // The text before "embeddings.word_embeddings.weight" in the initializer that holds it ("", "bert.", "0.auto_model.", ...).
    private static string FindPrefix(OnnxGraph graph)
    {
        const string wordEmbeddings = "embeddings.word_embeddings.weight";
        var names = graph.Initializers.Keys.Where(k => k.EndsWith(wordEmbeddings, StringComparison.Ordinal)).ToList();
        return names.Count switch
        {
            1 => names[0][..^wordEmbeddings.Length],
            0 => throw new OnnxImportException($"no initializer named '...{wordEmbeddings}': not a BERT-family encoder, or an export that renamed its weights (supported: BERT-family graphs from torch.onnx.export or optimum that keep Hugging Face's parameter names)"),
            _ => throw new OnnxImportException($"several word-embedding tables ({string.Join(", ", names)}): the graph holds more than one encoder"),
        };
    }

    private static (Dictionary<string, Weight> Weights, int Mapped) CollectWeights(OnnxGraph graph, string prefix)
    {
        var weights = new Dictionary<string, Weight>(StringComparer.Ordinal);
        foreach (var tensor in graph.Initializers.Values)
        {
            if (!tensor.IsFloatingPoint || !tensor.Name.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var key = tensor.Name[prefix.Length..];
            if (IsBertKey(key)) weights[key] = new Weight(tensor.Dims, tensor.ToFloats());
        }

        var mapped = 0;
        foreach (var node in graph.Nodes)
        {
            if (MapLinear(graph, node, prefix) is not { } linear || weights.ContainsKey(linear.Key)) continue;
            weights[linear.Key] = linear.Weight;
            mapped++;
        }
        return (weights, mapped);
    }

    // A MatMul (x · W, W an [in, out] constant) followed by Add(named bias), or a Gemm with its bias as third input.
    private static (string Key, Weight Weight)? MapLinear(OnnxGraph graph, OnnxNode node, string prefix)
    {
        if (node.OpType == "MatMul" && node.Inputs.Count == 2 && graph.ConstantOf(node.Inputs[1]) is { Dims.Length: 2 } matrix && matrix.IsFloatingPoint)
        {
            foreach (var add in graph.Consumers(node.Outputs[0]).Where(c => c.OpType == "Add"))
            {
                var biasName = add.Inputs.FirstOrDefault(i => i != node.Outputs[0]);
                if (BiasKey(biasName, prefix) is { } bias && graph.ConstantOf(biasName!) is { } b && b.ElementCount == matrix.Dims[1])
                    return (bias[..^"bias".Length] + "weight", Transposed(matrix));
            }
        }
        else if (node.OpType == "Gemm" && node.Inputs.Count == 3 && graph.ConstantOf(node.Inputs[1]) is { Dims.Length: 2 } gemm && BiasKey(node.Inputs[2], prefix) is { } gemmBias)
        {
            var transB = node.Attributes.TryGetValue("transB", out var t) && t is long and 1;
            return (gemmBias[..^"bias".Length] + "weight", transB ? new Weight(gemm.Dims, gemm.ToFloats()) : Transposed(gemm));
        }
        return null;
    }

    private static string? BiasKey(string? name, string prefix) =>
        name is not null && name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".bias", StringComparison.Ordinal) && IsBertKey(name[prefix.Length..])
            ? name[prefix.Length..]
            : null;

    private static bool IsBertKey(string key) =>
        EmbeddingKeys.Contains(key) || key is "pooler.dense.weight" or "pooler.dense.bias" || LayerKeyOf(key) is not null;

    // "encoder.layer.3.attention.self.query.bias" → "attention.self.query.bias"; null for any other key.
    private static string? LayerKeyOf(string key)
    {
        const string layers = "encoder.layer.";
        if (!key.StartsWith(layers, StringComparison.Ordinal)) return null;
        var dot = key.IndexOf('.', layers.Length);
        if (dot < 0 || !int.TryParse(key.AsSpan(layers.Length, dot - layers.Length), NumberStyles.None, CultureInfo.InvariantCulture, out _)) return null;
        var rest = key[(dot + 1)..];
        return LayerKeys.Contains(rest) ? rest : null;
    }

    private static Weight Transposed(OnnxTensor matrix)
    {
        var (rows, cols) = ((int)matrix.Dims[0], (int)matrix.Dims[1]);
        var values = matrix.ToFloats();
        var transposed = new float[values.Length];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++)
                transposed[c * rows + r] = values[r * cols + c];
        return new Weight([cols, rows], transposed);
    }

    private static BertConfig InferConfig(OnnxGraph graph, Dictionary<string, Weight> weights)
    {
        foreach (var key in EmbeddingKeys)
            if (!weights.ContainsKey(key)) throw new OnnxImportException($"the graph has no weight for '{key}'");
        var words = weights["embeddings.word_embeddings.weight"].Shape;
        var hidden = (int)words[1];
        var layerCount = 0;
        while (weights.ContainsKey($"encoder.layer.{layerCount}.attention.self.query.bias")) layerCount++;
        if (layerCount == 0) throw new OnnxImportException("the graph has no encoder layer (no 'encoder.layer.0.attention.self.query.bias')");
        var intermediate = weights.TryGetValue("encoder.layer.0.intermediate.dense.bias", out var inter)
            ? (int)inter.Shape[0]
            : throw new OnnxImportException("the graph has no weight for 'encoder.layer.0.intermediate.dense.bias'");
        return new BertConfig
        {
            VocabSize = (int)words[0],
            HiddenSize = hidden,
            NumHiddenLayers = layerCount,
            NumAttentionHeads = AttentionHeads(graph, hidden),
            IntermediateSize = intermediate,
            HiddenAct = Activation(graph),
            MaxPositionEmbeddings = (int)weights["embeddings.position_embeddings.weight"].Shape[0],
            TypeVocabSize = (int)weights["embeddings.token_type_embeddings.weight"].Shape[0],
            LayerNormEps = LayerNormEpsilon(graph),
            Extra = new JsonObject { ["architectures"] = new JsonArray("BertModel") },
        };
    }

    // The head count is in no weight's shape: read it from the Reshape that splits the first query projection into
    // [batch, length, heads, head size], else from the 1/sqrt(head size) scaling of the attention scores.
    private static int AttentionHeads(OnnxGraph graph, int hidden)
    {
        var queryAdd = graph.Nodes.FirstOrDefault(n => n.OpType == "Add" && n.Inputs.Any(i => i.EndsWith("encoder.layer.0.attention.self.query.bias", StringComparison.Ordinal)));
        if (queryAdd is not null)
        {
            foreach (var reshape in graph.Consumers(queryAdd.Outputs[0]).Where(n => n.OpType == "Reshape"))
            {
                var shape = ShapeValues(graph, reshape.Inputs[1]);
                if (shape is { Length: 4 } && shape[2] is > 0 and var heads && hidden % heads == 0) return (int)heads;
                if (shape is { Length: 4 } && shape[3] is > 0 and var size && hidden % size == 0) return (int)(hidden / size);
            }
        }
        foreach (var node in graph.Nodes.Where(n => n.OpType is "Div" or "Mul" && graph.ProducerOf.TryGetValue(n.Inputs[0], out var p) && p.OpType == "MatMul"))
        {
            if (graph.ConstantOf(node.Inputs[1]) is not { ElementCount: 1 } scale || !scale.IsFloatingPoint) continue;
            var c = scale.ToFloats()[0];
            var headSize = (int)Math.Round(node.OpType == "Div" ? c * c : 1 / (c * c));
            if (headSize > 0 && hidden % headSize == 0) return hidden / headSize;
        }
        throw new OnnxImportException("cannot infer num_attention_heads: no Reshape of the query projection into heads and no score scaling by 1/sqrt(head size) in the graph");
    }

    // A shape given as a constant, or as a Concat of constants and computed (null) pieces.
    private static long?[]? ShapeValues(OnnxGraph graph, string value)
    {
        if (graph.ConstantOf(value) is { } constant) return constant.ToInt64s().Select(v => (long?)v).ToArray();
        if (!graph.ProducerOf.TryGetValue(value, out var concat) || concat.OpType != "Concat") return null;
        var pieces = new List<long?>();
        foreach (var input in concat.Inputs)
        {
            if (graph.ConstantOf(input) is { } piece) pieces.AddRange(piece.ToInt64s().Select(v => (long?)v));
            else pieces.Add(null);
        }
        return pieces.ToArray();
    }

    private static string Activation(OnnxGraph graph)
    {
        var ops = graph.Nodes.Select(n => n.OpType).ToHashSet(StringComparer.Ordinal);
        if (graph.Nodes.FirstOrDefault(n => n.OpType == "Gelu") is { } gelu)
            return gelu.Attributes.TryGetValue("approximate", out var a) && a is "tanh" ? "gelu_new" : "gelu";
        if (ops.Contains("Erf")) return "gelu";
        // The tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
        if (graph.Nodes.Any(n => n.OpType == "Pow" && graph.ConstantOf(n.Inputs[1]) is { ElementCount: 1 } e && e.IsFloatingPoint && e.ToFloats()[0] == 3f)) return "gelu_new";
        if (ops.Contains("Relu")) return "relu";
        throw new OnnxImportException("cannot tell the feed-forward activation: the graph has no Erf or Gelu (gelu), tanh-approximation (gelu_new) or Relu node");
    }

    // LayerNormalization's epsilon attribute, or the constant added to the variance before Sqrt in a decomposed layer norm.
    private static double LayerNormEpsilon(OnnxGraph graph)
    {
        if (graph.Nodes.FirstOrDefault(n => n.OpType == "LayerNormalization") is { } norm)
            return norm.Attributes.TryGetValue("epsilon", out var e) && e is float epsilon ? epsilon : 1e-5;
        foreach (var sqrt in graph.Nodes.Where(n => n.OpType == "Sqrt"))
        {
            if (!graph.ProducerOf.TryGetValue(sqrt.Inputs[0], out var add) || add.OpType != "Add") continue;
            foreach (var input in add.Inputs)
                if (graph.ConstantOf(input) is { ElementCount: 1 } constant && constant.IsFloatingPoint)
                    return double.Parse(constant.ToFloats()[0].ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }
        throw new OnnxImportException("cannot infer layer_norm_eps: no LayerNormalization node and no Sqrt(variance + epsilon) in the graph");
    }

    private static void CheckComplete(Dictionary<string, Weight> weights, int layers)
    {
        var missing = Enumerable.Range(0, layers)
            .SelectMany(l => LayerKeys.Select(k => $"encoder.layer.{l}.{k}"))
            .Where(k => !weights.ContainsKey(k))
            .ToList();
        if (missing.Count > 0)
            throw new OnnxImportException($"{missing.Count} encoder weight(s) could not be found or matched through the graph, e.g. {string.Join(", ", missing.Take(3))} (each MatMul weight must feed an Add with the layer's named bias)");
    }

    // Written into a staging folder beside the target and renamed into place: a folder that exists is whole.
    private static void WriteFolder(string target, Dictionary<string, Weight> weights, BertConfig config, List<string> vocab, bool lowercase)
    {
        target = Path.GetFullPath(target);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new OnnxImportException($"{target}: the output folder exists and is not empty; remove it or choose another");
        var folder = $"{target}.{Environment.ProcessId}.{Guid.NewGuid():N}.partial";
        Directory.CreateDirectory(folder);
        try
        {
            WriteFiles(folder, weights, config, vocab, lowercase);
            if (Directory.Exists(target)) Directory.Delete(target);
            Directory.Move(folder, target);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    private static void WriteFiles(string folder, Dictionary<string, Weight> weights, BertConfig config, List<string> vocab, bool lowercase)
    {
        using (var scope = NewDisposeScope())
        {
            var tensors = weights.ToDictionary(kv => kv.Key, kv => tensor(kv.Value.Values, kv.Value.Shape));
            SafetensorsWriter.Write(Path.Combine(folder, Checkpoint.WeightsFile), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        }
        AtomicFile.WriteAllText(Path.Combine(folder, "config.json"), config.ToJson().ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        AtomicFile.WriteAllText(Path.Combine(folder, "vocab.txt"), string.Join("\n", vocab) + "\n");
        var tokenizerConfig = new JsonObject
        {
            ["tokenizer_class"] = "BertTokenizer",
            ["do_lower_case"] = lowercase,
            ["model_max_length"] = config.MaxPositionEmbeddings,
            ["unk_token"] = "[UNK]", ["sep_token"] = "[SEP]", ["pad_token"] = "[PAD]", ["cls_token"] = "[CLS]", ["mask_token"] = "[MASK]",
        };
        AtomicFile.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), tokenizerConfig.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
