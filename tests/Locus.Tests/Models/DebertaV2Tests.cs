using System.Text.Json.Nodes;
using Locus.Models.Checkpoints;
using Locus.Models.Configuration;
using Locus.Models.Deberta;
using Locus.Models.Encoders;
using Locus.Models.Safetensors;
using Locus.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace Locus.Tests.Models;

/// <summary>DeBERTa-v2/v3 behaviour on tiny models made here: bucketing, config errors, modes, init, save/load, optional parts.</summary>
public sealed class DebertaV2Tests
{
    /// <summary>A tiny v3-style configuration (8 buckets over 16 positions, so bucketing and clamping happen at length 20).</summary>
    internal static DebertaV2Config Tiny(Action<DebertaV2Config>? change = null)
    {
        var config = DebertaV2Config.DebertaV3XSmall();
        config.VocabSize = 100;
        config.HiddenSize = 32;
        config.NumHiddenLayers = 2;
        config.NumAttentionHeads = 4;
        config.IntermediateSize = 37;
        config.MaxPositionEmbeddings = 64;
        config.PositionBuckets = 8;
        config.MaxRelativePositions = 16;
        config.PoolerHiddenSize = 32;
        change?.Invoke(config);
        return config;
    }

    static EncoderInput Batch(int length = 20, int shortLength = 7)
    {
        using var generator = new Generator(11);
        var ids = randint(5, 100, new long[] { 2, length }, generator: generator);
        ids.select(1, 0).fill_(1);                                        // [CLS]
        var mask = ones(2, length, ScalarType.Int64);
        mask[1].narrow(0, shortLength, length - shortLength).fill_(0);
        ids[1].narrow(0, shortLength, length - shortLength).fill_(0);    // [PAD]
        return new EncoderInput(ids, mask);
    }

    [Theory]
    [InlineData(8, 16, new long[] { -40, -10, -7, -5, -4, -3, 0, 3, 4, 5, 6, 7, 10, 15, 40 }, new long[] { -10, -7, -6, -5, -4, -3, 0, 3, 4, 5, 5, 6, 7, 7, 10 })]
    [InlineData(256, 512, new long[] { -511, -200, -129, -128, 0, 127, 128, 129, 200, 511 }, new long[] { -255, -169, -129, -128, 0, 127, 128, 129, 169, 255 })]
    public void LogBucketPositionMatchesHandComputedValues(int buckets, int maxPosition, long[] relative, long[] expected)
    {
        // e.g. 8 buckets, 16 positions, r = 10: mid 4, ceil(ln(10/4) / ln(15/4) · 3) + 4 = ceil(2.08) + 4 = 7.
        using var bucketed = DebertaV2RelativePosition.MakeLogBucketPosition(tensor(relative), buckets, maxPosition);
        Assert.Equal(expected, bucketed.data<long>().ToArray());
    }

    [Fact]
    public void RelativePositionWithoutBucketsIsQueryMinusKey()
    {
        using var positions = DebertaV2RelativePosition.Build(3, 3, bucketSize: -1, maxPosition: -1);
        Assert.Equal(new long[] { 1, 3, 3 }, positions.shape);
        Assert.Equal(new long[] { 0, -1, -2, 1, 0, -1, 2, 1, 0 }, positions.data<long>().ToArray());
    }

    [Fact]
    public void ReadsAV3ConfigWithThePipeSeparatedPosAttType()
    {
        using var dir = new TempDir();
        var json = Tiny().ToJson();
        json["pos_att_type"] = "P2C | c2p";
        json["max_relative_positions"] = -1;
        File.WriteAllText(dir.File("config.json"), json.ToJsonString());
        var config = DebertaV2Config.Load(dir.Path);
        Assert.Equal(new[] { "p2c", "c2p" }, config.PosAttType);
        Assert.Equal(64, config.ResolvedMaxRelativePositions);
        Assert.Equal(8, config.AttentionSpan);
        Assert.True(config.ShareAttKey);
        Assert.False(config.PositionBiasedInput);
        Assert.Equal(new[] { "layer_norm" }, config.NormRelEbdParts);
    }

    [Theory]
    [InlineData("pos_att_type", "\"p2p|c2p\"")]
    [InlineData("norm_rel_ebd", "\"batch_norm\"")]
    [InlineData("conv_kernel_size", "2")]
    [InlineData("conv_act", "\"mish\"")]
    [InlineData("pooler_hidden_size", "16")]
    [InlineData("pooler_hidden_act", "\"mish\"")]
    [InlineData("hidden_act", "\"mish\"")]
    [InlineData("attention_head_size", "4")]
    [InlineData("model_type", "\"bert\"")]
    [InlineData("position_buckets", "\"many\"")]
    public void AnUnsupportedConfigValueIsAnErrorNamingTheKey(string key, string value)
    {
        using var dir = new TempDir();
        var json = Tiny().ToJson();
        json[key] = JsonNode.Parse(value);
        File.WriteAllText(dir.File("config.json"), json.ToJsonString());
        var error = Assert.Throws<DataFormatException>(() => DebertaV2Config.Load(dir.Path));
        Assert.Equal(key, error.Field);
        Assert.Contains(dir.File("config.json"), error.Message);
        Assert.Contains($"'{key}'", error.Message);
    }

    [Fact]
    public void AConfigBuiltInCodeIsValidatedWhenTheModelIsBuilt()
    {
        var error = Assert.Throws<DataFormatException>(() => new DebertaV2Model(Tiny(c => c.PosAttType = ["c2p", "p2p"])));
        Assert.Equal("pos_att_type", error.Field);
    }

    [Fact]
    public void ConfigJsonRoundTripsThroughToJson()
    {
        var original = Tiny(c => { c.Labels = ["O", "B-PER"]; c.ConvKernelSize = 3; c.ConvAct = "gelu"; c.EmbeddingSize = 16; });
        var back = DebertaV2Config.FromJson(new ConfigJson(original.ToJson(), "memory"));
        Assert.True(JsonNode.DeepEquals(original.ToJson(), back.ToJson()), back.ToJson().ToJsonString());
        Assert.Equal("deberta-v2", back.ToJson()["model_type"]!.GetValue<string>());
    }

    [Fact]
    public void PublishedV3ShapesAreAvailableForBenchmarks()
    {
        var xsmall = DebertaV2Config.DebertaV3XSmall();
        var small = DebertaV2Config.DebertaV3Small();
        var @base = DebertaV2Config.DebertaV3Base();
        Assert.Equal((384, 12, 6, 1536), (xsmall.HiddenSize, xsmall.NumHiddenLayers, xsmall.NumAttentionHeads, xsmall.IntermediateSize));
        Assert.Equal((768, 6, 12, 3072), (small.HiddenSize, small.NumHiddenLayers, small.NumAttentionHeads, small.IntermediateSize));
        Assert.Equal((768, 12, 12, 3072), (@base.HiddenSize, @base.NumHiddenLayers, @base.NumAttentionHeads, @base.IntermediateSize));
        foreach (var c in new[] { xsmall, small, @base })
        {
            Assert.Equal((128100, 512, 256, 512), (c.VocabSize, c.MaxPositionEmbeddings, c.PositionBuckets, c.AttentionSpan * 2));
            c.Validate();
        }
    }

    [Fact]
    public void SeededInitialisationIsDeterministicAndFollowsHuggingFace()
    {
        using var a = new DebertaV2Model(Tiny(), seed: 5);
        using var b = new DebertaV2Model(Tiny(), seed: 5);
        using var c = new DebertaV2Model(Tiny(), seed: 6);
        var sa = a.state_dict();
        var sb = b.state_dict();
        Assert.All(sa, p => Assert.True(DebertaV2ParityTests.Same(p.Value, sb[p.Key]), p.Key));
        Assert.False(DebertaV2ParityTests.Same(sa["encoder.layer.0.attention.self.query_proj.weight"], c.state_dict()["encoder.layer.0.attention.self.query_proj.weight"]));

        Assert.InRange(sa["embeddings.word_embeddings.weight"].std().item<float>(), 0.018, 0.022);
        Assert.Equal(0, sa["embeddings.word_embeddings.weight"][0].abs().max().item<float>()); // padding row
        Assert.Equal(0, sa["encoder.layer.1.output.dense.bias"].abs().max().item<float>());
        Assert.Equal(1, sa["encoder.LayerNorm.weight"].mean().item<float>());
        Assert.Equal(0, sa["encoder.layer.0.output.LayerNorm.bias"].abs().max().item<float>());
    }

    [Fact]
    public void EvalIsDeterministicAndTrainingAppliesDropoutAndBackpropagates()
    {
        using var model = new DebertaV2Model(Tiny(), seed: 1);
        using var scope = NewDisposeScope();
        var input = Batch();
        model.eval();
        var eval1 = model.call(input).LastHiddenState;
        var eval2 = model.call(input).LastHiddenState;
        Assert.True(DebertaV2ParityTests.Same(eval1, eval2));

        model.train();
        var train1 = model.call(input).LastHiddenState;
        var train2 = model.call(input).LastHiddenState;
        Assert.False(DebertaV2ParityTests.Same(train1, train2));
        Assert.True((train1 - eval1).abs().max().item<float>() > 1e-3);
        train1.sum().backward();
        var named = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.True(named["encoder.rel_embeddings.weight"].grad!.abs().sum().item<float>() > 0);
        Assert.True(named["encoder.layer.0.attention.self.key_proj.weight"].grad!.abs().sum().item<float>() > 0);

        model.eval();
        Assert.True(DebertaV2ParityTests.Same(eval1, model.call(input).LastHiddenState));
    }

    public static TheoryData<string> Variants => new() { "v3", "v2 absolute positions, token types, embed_proj, separate position projections, ConvLayer", "no relative attention" };

    static DebertaV2Config Variant(string name) => name switch
    {
        "v3" => Tiny(),
        "no relative attention" => Tiny(c => { c.RelativeAttention = false; c.NormRelEbd = "none"; }),
        _ => Tiny(c =>
        {
            c.PositionBiasedInput = true;
            c.TypeVocabSize = 2;
            c.EmbeddingSize = 16;
            c.ShareAttKey = false;
            c.PositionBuckets = -1;
            c.ConvKernelSize = 3;
            c.ConvAct = "gelu";
        }),
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void PaddingDoesNotChangeTheRealTokens(string variant)
    {
        using var model = new DebertaV2Model(Variant(variant), seed: 2);
        model.eval();
        using var scope = NewDisposeScope();
        var batch = Batch(length: 20, shortLength: 7);
        var padded = model.call(batch).LastHiddenState[1].narrow(0, 0, 7);
        var alone = model.call(new EncoderInput(batch.InputIds[1].narrow(0, 0, 7).unsqueeze(0), batch.AttentionMask[1].narrow(0, 0, 7).unsqueeze(0))).LastHiddenState[0];
        Assert.True((padded - alone).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void OptionalArchitecturePartsHaveHuggingFaceNamesAndShapes()
    {
        using var model = new DebertaV2Model(Variant("v2 absolute positions, token types, embed_proj, separate position projections, ConvLayer"), seed: 3);
        var shapes = model.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);
        Assert.Equal(new long[] { 64, 16 }, shapes["embeddings.position_embeddings.weight"]);
        Assert.Equal(new long[] { 2, 16 }, shapes["embeddings.token_type_embeddings.weight"]);
        Assert.Equal(new long[] { 32, 16 }, shapes["embeddings.embed_proj.weight"]);
        Assert.False(shapes.ContainsKey("embeddings.embed_proj.bias"));
        Assert.Equal(new long[] { 32, 32 }, shapes["encoder.layer.1.attention.self.pos_key_proj.weight"]);
        Assert.Equal(new long[] { 32 }, shapes["encoder.layer.1.attention.self.pos_query_proj.bias"]);
        Assert.Equal(new long[] { 32, 32, 3 }, shapes["encoder.conv.conv.weight"]);
        Assert.Equal(new long[] { 32 }, shapes["encoder.conv.LayerNorm.weight"]);
        Assert.Equal(new long[] { 32, 32 }, shapes["encoder.rel_embeddings.weight"]); // 2 · max_relative_positions rows

        model.eval();
        using var scope = NewDisposeScope();
        var batch = Batch();
        var withoutTypes = model.call(batch).LastHiddenState;
        var withTypes = model.call(batch with { TokenTypeIds = ones_like(batch.InputIds) }).LastHiddenState;
        Assert.True((withTypes - withoutTypes).abs().max().item<float>() > 1e-3);

        using var plain = new DebertaV2Model(Variant("no relative attention"), seed: 3);
        Assert.DoesNotContain(plain.state_dict().Keys, k => k.StartsWith("encoder.rel_embeddings", StringComparison.Ordinal) || k.StartsWith("encoder.LayerNorm", StringComparison.Ordinal));
    }

    [Fact]
    public void SaveThenLoadGivesIdenticalOutputsInHuggingFaceLayout()
    {
        using var dir = new TempDir();
        using var scope = NewDisposeScope();
        var input = Batch();

        using var token = new DebertaV2ForTokenClassification(Tiny(c => c.Labels = ["O", "B-PER", "I-PER"]), seed: 4);
        token.eval();
        token.SavePretrained(dir.File("token"));
        using var tokenBack = DebertaV2ForTokenClassification.FromPretrained(dir.File("token"));
        Assert.True(DebertaV2ParityTests.Same(token.call(input).Logits, tokenBack.call(input).Logits));
        Assert.Equal(new[] { "O", "B-PER", "I-PER" }, tokenBack.Config.Labels);

        using var sequence = new DebertaV2ForSequenceClassification(Tiny(c => c.Labels = ["neg", "pos"]), seed: 4);
        sequence.eval();
        sequence.SavePretrained(dir.File("sequence"));
        using var sequenceBack = DebertaV2ForSequenceClassification.FromPretrained(dir.File("sequence"));
        Assert.True(DebertaV2ParityTests.Same(sequence.call(input).Logits, sequenceBack.call(input).Logits));

        using var model = new DebertaV2Model(Tiny(), seed: 4);
        model.eval();
        model.SavePretrained(dir.File("base"));
        using var modelBack = DebertaV2Model.FromPretrained(dir.File("base"));
        Assert.True(DebertaV2ParityTests.Same(model.call(input).LastHiddenState, modelBack.call(input).LastHiddenState));

        var config = JsonNode.Parse(File.ReadAllText(dir.File("sequence/config.json")))!;
        Assert.Equal("DebertaV2ForSequenceClassification", config["architectures"]![0]!.GetValue<string>());
        Assert.Equal("deberta-v2", config["model_type"]!.GetValue<string>());
        Assert.Equal("pos", config["id2label"]!["1"]!.GetValue<string>());
        Assert.Equal("float32", config["torch_dtype"]!.GetValue<string>());
        using (var file = SafetensorsFile.Open(dir.File("sequence/model.safetensors")))
        {
            Assert.Equal("pt", file.Metadata["format"]);
            Assert.Equal(sequence.state_dict().Keys.Order(StringComparer.Ordinal), file.Entries.Keys.Order(StringComparer.Ordinal));
            Assert.Contains("deberta.encoder.rel_embeddings.weight", file.Entries.Keys);
            Assert.Contains("pooler.dense.weight", file.Entries.Keys);
        }
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Bf16ModelsSaveAsFloat32AndReloadIdenticallyInBf16()
    {
        using var dir = new TempDir();
        using var model = new DebertaV2Model(Tiny(), seed: 9);
        model.to(ScalarType.BFloat16);
        model.eval();
        model.SavePretrained(dir.Path);
        // Locus saves float32 whatever the training dtype (bf16 → f32 is exact), as BERT does.
        using (var file = SafetensorsFile.Open(dir.File(Checkpoint.WeightsFile)))
            Assert.All(file.Entries.Values, e => Assert.Equal(SafetensorsDtype.F32, e.Dtype));
        Assert.Equal("float32", JsonNode.Parse(File.ReadAllText(dir.File("config.json")))!["torch_dtype"]!.GetValue<string>());

        using var back = DebertaV2Model.FromPretrained(dir.Path, new EncoderLoadOptions { Dtype = ScalarType.BFloat16 });
        using var scope = NewDisposeScope();
        var input = Batch();
        var output = back.call(input).LastHiddenState;
        Assert.Equal(ScalarType.BFloat16, output.dtype);
        Assert.True(DebertaV2ParityTests.Same(model.call(input).LastHiddenState, output));
    }

    [Fact]
    public void LoadingAFolderWithMissingWeightsNamesThem()
    {
        using var dir = new TempDir();
        using var model = new DebertaV2Model(Tiny(), seed: 1);
        model.SavePretrained(dir.Path);
        var tensors = model.state_dict().Where(p => p.Key != "encoder.rel_embeddings.weight").ToDictionary();
        SafetensorsWriter.Write(dir.File(Checkpoint.WeightsFile), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        var error = Assert.Throws<LocusException>(() => DebertaV2Model.FromPretrained(dir.Path));
        Assert.Contains("encoder.rel_embeddings.weight", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AttentionOverTheReachableRowsOfTheRelativeTableEqualsAttentionOverTheWholeTable(bool padded)
    {
        var config = Tiny();
        random.manual_seed(5);
        using var attention = new DisentangledSelfAttention(config);
        attention.eval();
        using var hidden = randn(2, 5, config.HiddenSize);
        // The pair mask as DebertaV2Encoder builds it from a [B, L] attention mask; padded: the second row has 3 tokens.
        using var tokens = padded ? tensor(new float[,] { { 1, 1, 1, 1, 1 }, { 1, 1, 1, 0, 0 } }) : ones(2, 5);
        using var extended = tokens.unsqueeze(1).unsqueeze(2);
        using var mask = extended * extended.squeeze(-2).unsqueeze(-1);                       // [2, 1, 5, 5]
        using var relativePos = DebertaV2RelativePosition.Build(5, 5, config.PositionBuckets, config.ResolvedMaxRelativePositions);
        using var table = randn(config.AttentionSpan * 2, config.HiddenSize);                  // [16, H]
        using var slice = DebertaV2Encoder.ReachableRows(table, relativePos)!;
        Assert.Equal(9, slice.size(0));                                                        // distances -4..4 of 16 rows
        using var noGrad = no_grad();
        var (full, fullProbs) = attention.call(hidden, mask, relativePos, table);
        var (sliced, slicedProbs) = attention.call(hidden, mask, relativePos, slice);
        // Equal up to float rounding, padded or not (padding rows included), not bit-identical: the projection's matrix
        // product blocks a 9-row table differently from a 16-row one (max difference seen: 6e-8 unpadded, 9e-8 padded).
        Assert.True((full - sliced).abs().max().item<float>() < 1e-6f);
        Assert.True((fullProbs - slicedProbs).abs().max().item<float>() < 1e-6f);
        // The mask took effect: the second row's real tokens give the padding no weight.
        if (padded) Assert.Equal(0f, slicedProbs.select(0, 1).narrow(-2, 0, 3).narrow(-1, 3, 2).abs().max().item<float>());
        // Long enough to reach the clamped ends: the whole table stays.
        using var longPos = DebertaV2RelativePosition.Build(40, 40, config.PositionBuckets, config.ResolvedMaxRelativePositions);
        Assert.Equal(16, DebertaV2Encoder.ReachableRows(table, longPos)!.size(0));
    }
}
