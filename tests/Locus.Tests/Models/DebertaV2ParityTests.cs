using Locus.Models.Deberta;
using Locus.Models.Encoders;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Locus.Tests.Models;

/// <summary>
/// DeBERTa-v3 against Hugging Face's own outputs (shared/fixtures/models/deberta-v3-tiny*): every tensor within 1e-5
/// in float32 at positions where attention_mask is 1; the bucketed relative positions bit-identical.
/// </summary>
public sealed class DebertaV2ParityTests(ITestOutputHelper output)
{
    const double Tolerance = 1e-5;

    [Theory]
    [InlineData("deberta-v3-tiny")]
    [InlineData("deberta-v3-tiny-buckets8")]
    public void BaseModelParityOnEveryHiddenStateAndAttention(string name)
    {
        using var vectors = DebertaVectors.Open(name);
        using var model = DebertaV2Model.FromPretrained(DebertaVectors.ModelFolder(vectors.At("model_dir").GetString()!));
        using var scope = NewDisposeScope();
        var mask = vectors.Tensor(ScalarType.Int64, "inputs", "attention_mask");
        var result = model.call(new EncoderInput(vectors.Tensor(ScalarType.Int64, "inputs", "input_ids"), mask,
            OutputHiddenStates: true, OutputAttentions: true));

        var hidden = vectors.At("outputs", "hidden_states").GetArrayLength();
        Assert.Equal(hidden, result.HiddenStates!.Count);
        for (var i = 0; i < hidden; i++)
            AssertClose($"{name} hidden_states[{i}]", vectors.Tensor(ScalarType.Float32, "outputs", "hidden_states", i), result.HiddenStates[i], TokenMask(mask));
        AssertClose($"{name} last_hidden_state", vectors.Tensor(ScalarType.Float32, "outputs", "last_hidden_state"), result.LastHiddenState, TokenMask(mask));

        var layers = vectors.At("outputs", "attentions").GetArrayLength();
        Assert.Equal(layers, result.Attentions!.Count);
        for (var i = 0; i < layers; i++)
            AssertClose($"{name} attentions[{i}]", vectors.Tensor(ScalarType.Float32, "outputs", "attentions", i), result.Attentions[i], QueryMask(mask));
    }

    [Fact]
    public void Bf16ForwardStaysCloseToTheFloat32ReferenceParity()
    {
        using var vectors = DebertaVectors.Open("deberta-v3-tiny");
        using var model = DebertaV2Model.FromPretrained(DebertaVectors.ModelFolder("deberta-v3-tiny"), new DebertaV2LoadOptions { Dtype = ScalarType.BFloat16 });
        using var scope = NewDisposeScope();
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.BFloat16, p.dtype));
        var mask = vectors.Tensor(ScalarType.Int64, "inputs", "attention_mask");
        var result = model.call(new EncoderInput(vectors.Tensor(ScalarType.Int64, "inputs", "input_ids"), mask));
        Assert.Equal(ScalarType.BFloat16, result.LastHiddenState.dtype);
        var expected = vectors.Tensor(ScalarType.Float32, "outputs", "last_hidden_state");
        var diff = (expected - result.LastHiddenState.to_type(ScalarType.Float32)).abs() * TokenMask(mask).to_type(ScalarType.Float32);
        var max = diff.max().item<float>();
        var mean = (diff.sum() / (mask.sum() * expected.size(-1))).item<float>();
        output.WriteLine($"bf16 last_hidden_state vs HF float32: max {max:E2}, mean {mean:E2} (|values| up to {expected.abs().max().item<float>():F2})");
        Assert.True(max < 0.25, $"bf16 max difference {max}");
        Assert.True(mean < 0.03, $"bf16 mean difference {mean}");
    }

    [Theory]
    [InlineData("deberta-v3-tiny")]
    [InlineData("deberta-v3-tiny-buckets8")]
    public void RelativePositionParityIsExact(string name)
    {
        using var vectors = DebertaVectors.Open(name);
        using var model = DebertaV2Model.FromPretrained(DebertaVectors.ModelFolder(vectors.At("model_dir").GetString()!));
        using var expected = vectors.Tensor(ScalarType.Int64, "relative_positions", "value");
        using var actual = model.Encoder.RelativePositions(expected.size(1), CPU);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(Same(expected, actual), $"{name}: bucketed relative positions differ from HF's");
        Assert.Equal(vectors.At("relative_positions", "rel_embeddings_rows").GetInt32(), model.DebertaConfig.AttentionSpan * 2);
    }

    [Fact]
    public void RelativePositionParityHoldsForShorterLengthsServedFromTheCachedTable()
    {
        using var vectors = DebertaVectors.Open("deberta-v3-tiny-buckets8");
        using var model = DebertaV2Model.FromPretrained(DebertaVectors.ModelFolder("deberta-v3-tiny-buckets8"));
        using var scope = NewDisposeScope();
        var full = vectors.Tensor(ScalarType.Int64, "relative_positions", "value");
        var longer = model.Encoder.RelativePositions(40, CPU);
        var shorter = model.Encoder.RelativePositions(23, CPU);
        Assert.True(Same(full, longer));
        Assert.True(Same(full.narrow(1, 0, 23).narrow(2, 0, 23), shorter));
        Assert.True(Same(full.narrow(1, 0, 23).narrow(2, 0, 23), DebertaV2RelativePosition.Build(23, 23, 8, 16)));
    }

    [Fact]
    public void TokenClassificationLogitsParity()
    {
        using var vectors = DebertaVectors.Open("deberta-v3-tiny");
        using var model = DebertaV2ForTokenClassification.FromPretrained(DebertaVectors.ModelFolder("deberta-v3-tiny-token-cls"));
        using var scope = NewDisposeScope();
        var mask = vectors.Tensor(ScalarType.Int64, "inputs", "attention_mask");
        var logits = model.call(new EncoderInput(vectors.Tensor(ScalarType.Int64, "inputs", "input_ids"), mask));
        Assert.Equal(5, model.Config.NumLabels);
        AssertClose("token_classification logits", vectors.Tensor(ScalarType.Float32, "heads", "token_classification", "logits"), logits, TokenMask(mask));
    }

    [Fact]
    public void SequenceClassificationLogitsAndContextPoolerParity()
    {
        using var vectors = DebertaVectors.Open("deberta-v3-tiny");
        using var model = DebertaV2ForSequenceClassification.FromPretrained(DebertaVectors.ModelFolder("deberta-v3-tiny-seq-cls"));
        using var scope = NewDisposeScope();
        var input = new EncoderInput(vectors.Tensor(ScalarType.Int64, "inputs", "input_ids"), vectors.Tensor(ScalarType.Int64, "inputs", "attention_mask"));
        var pooled = model.Pooler.call(model.Deberta.call(input).LastHiddenState);
        AssertClose("context_pooler_output", vectors.Tensor(ScalarType.Float32, "heads", "sequence_classification", "context_pooler_output"), pooled, null);
        AssertClose("sequence_classification logits", vectors.Tensor(ScalarType.Float32, "heads", "sequence_classification", "logits"), model.call(input), null);
    }

    [Fact]
    public void SingleUnpaddedRowParity()
    {
        using var vectors = DebertaVectors.Open("deberta-v3-tiny");
        using var model = DebertaV2Model.FromPretrained(DebertaVectors.ModelFolder("deberta-v3-tiny"));
        using var scope = NewDisposeScope();
        var result = model.call(new EncoderInput(vectors.Tensor(ScalarType.Int64, "single_unpadded_row0", "inputs", "input_ids"),
            vectors.Tensor(ScalarType.Int64, "single_unpadded_row0", "inputs", "attention_mask")));
        AssertClose("single_unpadded_row0", vectors.Tensor(ScalarType.Float32, "single_unpadded_row0", "last_hidden_state"), result.LastHiddenState, null);
    }

    [Fact]
    public void TokenTypeIdsAreIgnoredWithoutTokenTypeEmbeddingsParity()
    {
        using var vectors = DebertaVectors.Open("deberta-v3-tiny");
        using var model = DebertaV2Model.FromPretrained(DebertaVectors.ModelFolder("deberta-v3-tiny"));
        using var scope = NewDisposeScope();
        var mask = vectors.Tensor(ScalarType.Int64, "inputs", "attention_mask");
        var result = model.call(new EncoderInput(vectors.Tensor(ScalarType.Int64, "inputs", "input_ids"), mask, vectors.Tensor(ScalarType.Int64, "inputs", "token_type_ids")));
        AssertClose("with token_type_ids", vectors.Tensor(ScalarType.Float32, "outputs", "last_hidden_state"), result.LastHiddenState, TokenMask(mask));
    }

    [Theory]
    [InlineData("deberta-v3-tiny")]
    [InlineData("deberta-v3-tiny-buckets8")]
    public void BaseModelStateDictKeysParity(string name)
    {
        using var vectors = DebertaVectors.Open(name);
        using var model = DebertaV2Model.FromPretrained(DebertaVectors.ModelFolder(vectors.At("model_dir").GetString()!));
        AssertSameKeys(vectors.StateDictKeys("state_dict_keys"), model.state_dict());
    }

    [Fact]
    public void HeadStateDictKeysParity()
    {
        using var vectors = DebertaVectors.Open("deberta-v3-tiny");
        using var token = DebertaV2ForTokenClassification.FromPretrained(DebertaVectors.ModelFolder("deberta-v3-tiny-token-cls"));
        using var sequence = DebertaV2ForSequenceClassification.FromPretrained(DebertaVectors.ModelFolder("deberta-v3-tiny-seq-cls"));
        AssertSameKeys(vectors.StateDictKeys("heads", "token_classification", "state_dict_keys"), token.state_dict());
        AssertSameKeys(vectors.StateDictKeys("heads", "sequence_classification", "state_dict_keys"), sequence.state_dict());
    }

    [Fact]
    public void HeadCheckpointLoadsIntoTheBaseModelParity()
    {
        using var vectors = DebertaVectors.Open("deberta-v3-tiny");
        using var model = DebertaV2Model.FromPretrained(DebertaVectors.ModelFolder("deberta-v3-tiny-seq-cls"));
        using var scope = NewDisposeScope();
        var mask = vectors.Tensor(ScalarType.Int64, "inputs", "attention_mask");
        var result = model.call(new EncoderInput(vectors.Tensor(ScalarType.Int64, "inputs", "input_ids"), mask));
        AssertClose("base from seq-cls checkpoint", vectors.Tensor(ScalarType.Float32, "outputs", "last_hidden_state"), result.LastHiddenState, TokenMask(mask));
    }

    [Fact]
    public void BaseCheckpointIntoAHeadKeepsTheEncoderAndInitialisesTheHeadLikeHuggingFaceParity()
    {
        using var vectors = DebertaVectors.Open("deberta-v3-tiny");
        var folder = DebertaVectors.ModelFolder("deberta-v3-tiny");
        using var first = DebertaV2ForSequenceClassification.FromPretrained(folder, new DebertaV2LoadOptions { Seed = 3, Labels = ["neg", "pos"] });
        using var second = DebertaV2ForSequenceClassification.FromPretrained(folder, new DebertaV2LoadOptions { Seed = 3, Labels = ["neg", "pos"] });
        using var scope = NewDisposeScope();
        var mask = vectors.Tensor(ScalarType.Int64, "inputs", "attention_mask");
        var input = new EncoderInput(vectors.Tensor(ScalarType.Int64, "inputs", "input_ids"), mask);
        AssertClose("encoder inside the head", vectors.Tensor(ScalarType.Float32, "outputs", "last_hidden_state"), first.Deberta.call(input).LastHiddenState, TokenMask(mask));

        var head = first.state_dict();
        Assert.Equal(new long[] { 2, 32 }, head["classifier.weight"].shape);
        Assert.Equal(0, head["classifier.bias"].abs().max().item<float>());
        Assert.Equal(0, head["pooler.dense.bias"].abs().max().item<float>());
        var std = head["pooler.dense.weight"].std().item<float>();
        Assert.InRange(std, 0.015, 0.025); // normal(0, initializer_range = 0.02)
        Assert.True(Same(head["pooler.dense.weight"], second.state_dict()["pooler.dense.weight"]), "same seed, same head");
        Assert.True(Same(first.call(input), second.call(input)));
    }

    /// <summary>Bit-identical: same shape and every element equal.</summary>
    internal static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    static Tensor TokenMask(Tensor mask) => mask.unsqueeze(-1);                   // [B, L, 1]

    static Tensor QueryMask(Tensor mask) => mask.unsqueeze(1).unsqueeze(-1);      // [B, 1, L, 1]

    void AssertClose(string what, Tensor expected, Tensor actual, Tensor? mask)
    {
        Assert.Equal(expected.shape, actual.shape);
        var diff = (expected - actual.to_type(ScalarType.Float32)).abs();
        if (mask is not null) diff = diff * mask.to_type(ScalarType.Float32);
        var max = diff.max().item<float>();
        output.WriteLine($"{what}: max |HF - Locus| = {max:E2}");
        Assert.True(max <= Tolerance, $"{what}: max abs difference {max} > {Tolerance}");
    }

    static void AssertSameKeys(IReadOnlyList<(string Name, long[] Shape)> expected, IDictionary<string, Tensor> actual)
    {
        Assert.Equal(expected.Select(e => e.Name).Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, shape) in expected) Assert.Equal(shape, actual[name].shape);
    }
}
