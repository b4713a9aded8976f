using Locus.Models.Checkpoints;
using Locus.Models.Encoders;
using Locus.Models.Onnx;
using Locus.Tests.TestSupport;
using static TorchSharp.torch;

namespace Locus.Tests.Models.Onnx;

/// <summary>
/// The importer on small generated graphs laid out as torch.onnx.export lays out BERT: anonymous [in, out] MatMul
/// weights named through the Add with their bias, heads read from the query Reshape, epsilon and activation from the
/// graph, and one-line errors for graphs it cannot map.
/// </summary>
public sealed class BertOnnxImporterTests : IDisposable
{
    const int Hidden = 4, Heads = 2, Intermediate = 8, Vocab = 6, Positions = 8;
    static readonly string[] VocabTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello", "##s"];
    readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    static float[] Counting(int count, float start) => Enumerable.Range(0, count).Select(i => start + i / 100f).ToArray();

    // A one-layer BERT-shaped graph; linear weights are [in, out] constants "onnx::MatMul_N" except where named.
    static OnnxTestGraph TinyBert(string prefix = "", bool withHeadsReshape = true, bool fused = false)
    {
        var g = new OnnxTestGraph();
        g.Floats(prefix + "embeddings.word_embeddings.weight", [Vocab, Hidden], Counting(Vocab * Hidden, 0));
        g.Floats(prefix + "embeddings.position_embeddings.weight", [Positions, Hidden], Counting(Positions * Hidden, 1));
        g.Floats(prefix + "embeddings.token_type_embeddings.weight", [2, Hidden], Counting(2 * Hidden, 2));
        g.Floats(prefix + "embeddings.LayerNorm.weight", [Hidden], Counting(Hidden, 3));
        g.Floats(prefix + "embeddings.LayerNorm.bias", [Hidden], Counting(Hidden, 4));
        g.Node("Gather", [prefix + "embeddings.word_embeddings.weight", "input_ids"], ["e"]);
        // Decomposed layer norm: (x - mean) / sqrt(var + eps) * w + b.
        g.Node("ReduceMean", ["e"], ["mean"]);
        g.Node("Sub", ["e", "mean"], ["centred"]);
        g.Node("Pow", ["centred", "two"], ["squared"]);
        g.Node("ReduceMean", ["squared"], ["variance"]);
        g.ConstantScalar("eps", 1e-7f);
        g.Node("Add", ["variance", "eps"], ["variance_eps"]);
        g.Node("Sqrt", ["variance_eps"], ["std"]);
        g.Node("Div", ["centred", "std"], ["normed"]);
        g.Node("Mul", ["normed", prefix + "embeddings.LayerNorm.weight"], ["scaled"]);
        g.Node("Add", ["scaled", prefix + "embeddings.LayerNorm.bias"], ["h0"]);

        var matmul = 100;
        void Linear(string input, string name, int inSize, int outSize, string output)
        {
            var weight = $"onnx::MatMul_{matmul}";
            g.Floats(weight, [inSize, outSize], Counting(inSize * outSize, matmul++));
            g.Floats($"{prefix}encoder.layer.0.{name}.bias", [outSize], Counting(outSize, 9));
            g.Node("MatMul", [input, weight], [output + "_mm"]);
            g.Node("Add", [$"{prefix}encoder.layer.0.{name}.bias", output + "_mm"], [output]);
        }
        Linear("h0", "attention.self.query", Hidden, Hidden, "q");
        Linear("h0", "attention.self.key", Hidden, Hidden, "k");
        Linear("h0", "attention.self.value", Hidden, Hidden, "v");
        if (withHeadsReshape)
        {
            g.Int64s("heads", [1], [Heads]);
            g.Int64s("head_size", [1], [Hidden / Heads]);
            g.Node("Concat", ["batch", "length", "heads", "head_size"], ["q_shape"], ("axis", 0L));
            g.Node("Reshape", ["q", "q_shape"], ["q_heads"]);
        }
        g.Node("MatMul", ["q_heads", "k_heads"], ["scores"]);
        g.ConstantScalar("scale", MathF.Sqrt(Hidden / Heads));
        g.Node("Div", ["scores", "scale"], ["scaled_scores"]);
        Linear("context", "attention.output.dense", Hidden, Hidden, "attn_out");
        Linear("attn_norm", "intermediate.dense", Hidden, Intermediate, "inter");
        g.Node("Erf", ["inter"], ["erf"]);
        Linear("inter_act", "output.dense", Intermediate, Hidden, "ffn_out");
        foreach (var norm in new[] { "attention.output.LayerNorm", "output.LayerNorm" })
        {
            g.Floats($"{prefix}encoder.layer.0.{norm}.weight", [Hidden], Counting(Hidden, 5));
            g.Floats($"{prefix}encoder.layer.0.{norm}.bias", [Hidden], Counting(Hidden, 6));
        }
        g.Floats(prefix + "pooler.dense.weight", [Hidden, Hidden], Counting(Hidden * Hidden, 7));
        g.Floats(prefix + "pooler.dense.bias", [Hidden], Counting(Hidden, 8));
        g.Node("Gemm", ["cls", prefix + "pooler.dense.weight", prefix + "pooler.dense.bias"], ["pooled"], ("transB", 1L));
        if (fused) g.Node("SkipLayerNormalization", ["a", "b"], ["c"]);
        return g;
    }

    string Vocabulary(string lineEnd = "\n") => string.Join(lineEnd, VocabTokens) + lineEnd;

    [Fact]
    public void InfersTheConfigurationFromShapesAndGraph()
    {
        var result = BertOnnxImporter.Import(OnnxGraph.Parse(TinyBert().ToModel()), Vocabulary(), _dir.File("model"));

        var c = result.Config;
        Assert.Equal((Vocab, Hidden, 1, Heads, Intermediate, Positions, 2), (c.VocabSize, c.HiddenSize, c.NumHiddenLayers, c.NumAttentionHeads, c.IntermediateSize, c.MaxPositionEmbeddings, c.TypeVocabSize));
        Assert.Equal("gelu", c.HiddenAct);
        Assert.Equal(1e-7, c.LayerNormEps, 12);
        Assert.Equal(6, result.MappedFromGraph); // six anonymous MatMul weights named through their biases
        Assert.True(result.DoLowerCase);
        Assert.Equal(Heads, EncoderModels.ReadConfig(_dir.File("model")).NumAttentionHeads);
    }

    [Fact]
    public void AnonymousMatMulWeightsAreTransposedBackAndGemmWeightsKeptWithTransB()
    {
        BertOnnxImporter.Import(OnnxGraph.Parse(TinyBert(prefix: "bert.").ToModel()), Vocabulary(), _dir.File("model"));

        using var checkpoint = Checkpoint.Open(_dir.File("model"));
        using var scope = NewDisposeScope();
        // The query weight was stored as [in, out] = Counting(16, 100): HF's [out, in] is its transpose.
        var query = checkpoint.Read("encoder.layer.0.attention.self.query.weight");
        var stored = tensor(Counting(Hidden * Hidden, 100), [Hidden, Hidden]);
        Assert.True(query.eq(stored.t()).all().item<bool>());
        var intermediate = checkpoint.Read("encoder.layer.0.intermediate.dense.weight");
        Assert.Equal([Intermediate, Hidden], intermediate.shape);
        // The pooler is a Gemm with transB = 1: its weight is already [out, in].
        Assert.True(checkpoint.Read("pooler.dense.weight").eq(tensor(Counting(Hidden * Hidden, 7), [Hidden, Hidden])).all().item<bool>());
        Assert.Contains("embeddings.word_embeddings.weight", checkpoint.Keys); // the "bert." prefix is dropped
    }

    [Fact]
    public void HeadsFallBackToTheScoreScalingWithoutAReshapeConstant()
    {
        var result = BertOnnxImporter.Import(OnnxGraph.Parse(TinyBert(withHeadsReshape: false).ToModel()), Vocabulary(), _dir.File("model"));
        Assert.Equal(Heads, result.Config.NumAttentionHeads);
    }

    [Fact]
    public void CrlfVocabularyImportsTheSameTokens()
    {
        BertOnnxImporter.Import(OnnxGraph.Parse(TinyBert().ToModel()), Vocabulary("\r\n"), _dir.File("model"));
        Assert.Equal(VocabTokens, File.ReadAllLines(_dir.File("model/vocab.txt")));
    }

    [Fact]
    public void FusedGraphsAreRefusedWithTheReason()
    {
        var error = Assert.Throws<OnnxImportException>(() => BertOnnxImporter.Import(OnnxGraph.Parse(TinyBert(fused: true).ToModel()), Vocabulary(), _dir.File("model")));
        Assert.Contains("fused operators (SkipLayerNormalization)", error.Message);
        Assert.False(Directory.Exists(_dir.File("model")));
    }

    [Fact]
    public void GraphsWithoutBertWeightsAreRefused()
    {
        var g = new OnnxTestGraph();
        g.Floats("conv.weight", [2, 2], [1, 2, 3, 4]);
        var error = Assert.Throws<OnnxImportException>(() => BertOnnxImporter.Import(OnnxGraph.Parse(g.ToModel()), Vocabulary(), _dir.File("model")));
        Assert.Contains("embeddings.word_embeddings.weight", error.Message);
    }

    [Fact]
    public void VocabularyOfAnotherSizeIsRefused()
    {
        var error = Assert.Throws<OnnxImportException>(() => BertOnnxImporter.Import(OnnxGraph.Parse(TinyBert().ToModel()), "[PAD]\n[UNK]\n", _dir.File("model")));
        Assert.Equal("the vocabulary has 2 tokens but the word embeddings have 6 rows", error.Message);
    }

    [Fact]
    public void NotAnOnnxFileIsAOneLineError()
    {
        File.WriteAllBytes(_dir.File("junk.onnx"), [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
        var error = Assert.Throws<OnnxImportException>(() => BertOnnxImporter.Import(_dir.File("junk.onnx"), _dir.File("vocab.txt"), _dir.File("model")));
        Assert.StartsWith(_dir.File("junk.onnx") + ": not a valid ONNX protobuf file", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void ExistingOutputFolderIsNeverOverwritten()
    {
        Directory.CreateDirectory(_dir.File("model"));
        File.WriteAllText(_dir.File("model/keep.txt"), "mine");
        var error = Assert.Throws<OnnxImportException>(() => BertOnnxImporter.Import(OnnxGraph.Parse(TinyBert().ToModel()), Vocabulary(), _dir.File("model")));
        Assert.Contains("exists and is not empty", error.Message);
        Assert.Equal("mine", File.ReadAllText(_dir.File("model/keep.txt")));
    }

    [Fact]
    public async Task CliImportWritesAFolderThatLoads()
    {
        File.WriteAllBytes(_dir.File("tiny.onnx"), TinyBert().ToModel());
        File.WriteAllText(_dir.File("vocab.txt"), Vocabulary("\r\n"));
        var (code, output, error) = await CliRun.Locus("model", "import", "--onnx", _dir.File("tiny.onnx"), "--vocab", _dir.File("vocab.txt"), "--out", _dir.File("model"));
        Assert.True(code == 0, error);
        Assert.Contains("1 layers, hidden 4, 2 heads, intermediate 8", output);
        using var model = EncoderModels.Load(_dir.File("model"));
        using var noGrad = no_grad();
        var hidden = model.forward(new EncoderInput(tensor(new long[] { 2, 4, 5, 3 }, [1, 4]), ones(1, 4, dtype: ScalarType.Int64))).LastHiddenState;
        Assert.Equal([1, 4, Hidden], hidden.shape);
    }
}
