using Locus.Models.Deberta;
using Locus.Models.Encoders;
using Locus.Tests.TestSupport;
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

    static readonly ReferenceVectors Vectors = ReferenceVectors.LoadModel("deberta-v3-tiny");

    static string ModelFolder(string name) => SharedFixtures.PathOf("models", name);

    static string ModelFolder(ReferenceVectors vectors) => ModelFolder(vectors.Element("model_dir").GetString()!);

    static EncoderInput Inputs(ReferenceVectors vectors, string prefix = "inputs", bool outputAll = false) =>
        new(vectors.Longs($"{prefix}.input_ids"), vectors.Longs($"{prefix}.attention_mask"), OutputHiddenStates: outputAll, OutputAttentions: outputAll);

    [Theory]
    [InlineData("deberta-v3-tiny")]
    [InlineData("deberta-v3-tiny-buckets8")]
    public void BaseModelParityOnEveryHiddenStateAndAttention(string name)
    {
        var vectors = ReferenceVectors.LoadModel(name);
        using var model = DebertaV2Model.FromPretrained(ModelFolder(vectors));
        using var scope = NewDisposeScope();
        var input = Inputs(vectors, outputAll: true);
        var result = model.call(input);

        var hidden = vectors.Element("outputs.hidden_states").EnumerateArray().Select(ReferenceVectors.Floats).ToList();
        Assert.Equal(hidden.Count, result.HiddenStates!.Count);
        for (var i = 0; i < hidden.Count; i++) AssertClose($"{name} hidden_states[{i}]", result.HiddenStates[i], hidden[i], input.AttentionMask);
        AssertClose($"{name} last_hidden_state", result.LastHiddenState, vectors.Floats("outputs.last_hidden_state"), input.AttentionMask);

        var attentions = vectors.Element("outputs.attentions").EnumerateArray().Select(ReferenceVectors.Floats).ToList();
        Assert.Equal(attentions.Count, result.Attentions!.Count);
        for (var i = 0; i < attentions.Count; i++) AssertClose($"{name} attentions[{i}]", result.Attentions[i], attentions[i], input.AttentionMask);
    }

    [Fact]
    public void Bf16ForwardStaysCloseToTheFloat32ReferenceParity()
    {
        using var model = DebertaV2Model.FromPretrained(ModelFolder("deberta-v3-tiny"), new EncoderLoadOptions { Dtype = ScalarType.BFloat16 });
        using var scope = NewDisposeScope();
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.BFloat16, p.dtype));
        var input = Inputs(Vectors);
        var result = model.call(input);
        Assert.Equal(ScalarType.BFloat16, result.LastHiddenState.dtype);
        var mask = input.AttentionMask;
        var expected = Vectors.Floats("outputs.last_hidden_state");
        var diff = (expected - result.LastHiddenState.to_type(ScalarType.Float32)).abs() * mask.unsqueeze(-1).to_type(ScalarType.Float32);
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
        var vectors = ReferenceVectors.LoadModel(name);
        using var model = DebertaV2Model.FromPretrained(ModelFolder(vectors));
        using var expected = vectors.Longs("relative_positions.value");
        using var actual = model.Encoder.RelativePositions(expected.size(1), CPU);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(Same(expected, actual), $"{name}: bucketed relative positions differ from HF's");
        Assert.Equal(vectors.Element("relative_positions.rel_embeddings_rows").GetInt32(), model.DebertaConfig.AttentionSpan * 2);
    }

    [Fact]
    public void RelativePositionParityHoldsForShorterLengthsServedFromTheCachedTable()
    {
        var vectors = ReferenceVectors.LoadModel("deberta-v3-tiny-buckets8");
        using var model = DebertaV2Model.FromPretrained(ModelFolder("deberta-v3-tiny-buckets8"));
        using var scope = NewDisposeScope();
        var full = vectors.Longs("relative_positions.value");
        var longer = model.Encoder.RelativePositions(40, CPU);
        var shorter = model.Encoder.RelativePositions(23, CPU);
        Assert.True(Same(full, longer));
        Assert.True(Same(full.narrow(1, 0, 23).narrow(2, 0, 23), shorter));
        Assert.True(Same(full.narrow(1, 0, 23).narrow(2, 0, 23), DebertaV2RelativePosition.Build(23, 23, 8, 16)));
    }

    [Fact]
    public void TokenClassificationLogitsParity()
    {
        using var model = DebertaV2ForTokenClassification.FromPretrained(ModelFolder("deberta-v3-tiny-token-cls"));
        using var scope = NewDisposeScope();
        var input = Inputs(Vectors);
        var result = model.call(input);
        Assert.Equal(5, model.NumLabels);
        AssertClose("token_classification logits", result.Logits, Vectors.Floats("heads.token_classification.logits"), input.AttentionMask);
        AssertClose("token_classification last_hidden_state", result.EncoderOutput.LastHiddenState, Vectors.Floats("outputs.last_hidden_state"), input.AttentionMask);
    }

    [Fact]
    public void SequenceClassificationLogitsAndContextPoolerParity()
    {
        using var model = DebertaV2ForSequenceClassification.FromPretrained(ModelFolder("deberta-v3-tiny-seq-cls"));
        using var scope = NewDisposeScope();
        var input = Inputs(Vectors);
        var result = model.call(input);
        var pooled = model.Pooler.call(result.EncoderOutput.LastHiddenState);
        AssertClose("context_pooler_output", pooled, Vectors.Floats("heads.sequence_classification.context_pooler_output"), null);
        AssertClose("sequence_classification logits", result.Logits, Vectors.Floats("heads.sequence_classification.logits"), null);
    }

    [Fact]
    public void SingleUnpaddedRowParity()
    {
        using var model = DebertaV2Model.FromPretrained(ModelFolder("deberta-v3-tiny"));
        using var scope = NewDisposeScope();
        var result = model.call(Inputs(Vectors, "single_unpadded_row0.inputs"));
        AssertClose("single_unpadded_row0", result.LastHiddenState, Vectors.Floats("single_unpadded_row0.last_hidden_state"), null);
    }

    [Fact]
    public void TokenTypeIdsAreIgnoredWithoutTokenTypeEmbeddingsParity()
    {
        using var model = DebertaV2Model.FromPretrained(ModelFolder("deberta-v3-tiny"));
        using var scope = NewDisposeScope();
        var input = Inputs(Vectors) with { TokenTypeIds = Vectors.Longs("inputs.token_type_ids") };
        var result = model.call(input);
        AssertClose("with token_type_ids", result.LastHiddenState, Vectors.Floats("outputs.last_hidden_state"), input.AttentionMask);
    }

    [Theory]
    [InlineData("deberta-v3-tiny")]
    [InlineData("deberta-v3-tiny-buckets8")]
    public void BaseModelStateDictKeysParity(string name)
    {
        var vectors = ReferenceVectors.LoadModel(name);
        using var model = DebertaV2Model.FromPretrained(ModelFolder(vectors));
        AssertSameKeys(vectors.StateDictKeys("state_dict_keys"), model.state_dict());
    }

    [Fact]
    public void HeadStateDictKeysParity()
    {
        using var token = DebertaV2ForTokenClassification.FromPretrained(ModelFolder("deberta-v3-tiny-token-cls"));
        using var sequence = DebertaV2ForSequenceClassification.FromPretrained(ModelFolder("deberta-v3-tiny-seq-cls"));
        AssertSameKeys(Vectors.StateDictKeys("heads.token_classification.state_dict_keys"), token.state_dict());
        AssertSameKeys(Vectors.StateDictKeys("heads.sequence_classification.state_dict_keys"), sequence.state_dict());
    }

    [Fact]
    public void HeadCheckpointLoadsIntoTheBaseModelParity()
    {
        using var model = DebertaV2Model.FromPretrained(ModelFolder("deberta-v3-tiny-seq-cls"));
        using var scope = NewDisposeScope();
        var input = Inputs(Vectors);
        AssertClose("base from seq-cls checkpoint", model.call(input).LastHiddenState, Vectors.Floats("outputs.last_hidden_state"), input.AttentionMask);
    }

    [Fact]
    public void BaseCheckpointIntoAHeadKeepsTheEncoderAndInitialisesTheHeadLikeHuggingFaceParity()
    {
        var folder = ModelFolder("deberta-v3-tiny");
        using var first = DebertaV2ForSequenceClassification.FromPretrained(folder, new EncoderLoadOptions { Seed = 3, Labels = ["neg", "pos"] });
        using var second = DebertaV2ForSequenceClassification.FromPretrained(folder, new EncoderLoadOptions { Seed = 3, Labels = ["neg", "pos"] });
        using var scope = NewDisposeScope();
        var input = Inputs(Vectors);
        var result = first.call(input);
        AssertClose("encoder inside the head", result.EncoderOutput.LastHiddenState, Vectors.Floats("outputs.last_hidden_state"), input.AttentionMask);

        var head = first.state_dict();
        Assert.Equal(new long[] { 2, 32 }, head["classifier.weight"].shape);
        Assert.Equal(0, head["classifier.bias"].abs().max().item<float>());
        Assert.Equal(0, head["pooler.dense.bias"].abs().max().item<float>());
        var std = head["pooler.dense.weight"].std().item<float>();
        Assert.InRange(std, 0.015, 0.025); // normal(0, initializer_range = 0.02)
        Assert.True(Same(head["pooler.dense.weight"], second.state_dict()["pooler.dense.weight"]), "same seed, same head");
        Assert.True(Same(result.Logits, second.call(input).Logits));
    }

    /// <summary>Bit-identical: same shape and every element equal.</summary>
    internal static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    void AssertClose(string what, Tensor actual, Tensor expected, Tensor? attentionMask)
    {
        var diff = ReferenceVectors.MaxAbsDiff(actual.to_type(ScalarType.Float32), expected, attentionMask);
        output.WriteLine($"{what}: max |HF - Locus| = {diff:E2}");
        Assert.True(diff <= Tolerance, $"{what}: max abs difference {diff} > {Tolerance}");
    }

    static void AssertSameKeys(IReadOnlyList<(string Name, long[] Shape)> expected, IDictionary<string, Tensor> actual)
    {
        Assert.Equal(expected.Select(e => e.Name).Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, shape) in expected) Assert.Equal(shape, actual[name].shape);
    }
}
