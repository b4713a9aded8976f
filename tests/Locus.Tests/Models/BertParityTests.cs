using Locus.Models.Bert;
using Locus.Models.Encoders;
using Locus.Tests.TestSupport;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Locus.Tests.Models;

/// <summary>
/// BERT against Hugging Face's own outputs (shared/fixtures/models/bert-tiny.vectors.json, float32, eval mode):
/// every hidden state, attention, pooler output and both heads' logits, compared on real (unpadded) tokens.
/// </summary>
public class BertParityTests(ITestOutputHelper output)
{
    // The fixture README suggests ~1e-5 for float32 on another BLAS; observed noise is ~1e-6.
    const double Tolerance = 1e-5;

    static readonly ReferenceVectors Vectors = ReferenceVectors.LoadModel("bert-tiny");

    static string ModelFolder(string name) => SharedFixtures.PathOf("models", name);

    static EncoderInput Inputs(bool withTokenTypes = true, bool outputAll = false) => new(
        Vectors.Longs("inputs.input_ids"),
        Vectors.Longs("inputs.attention_mask"),
        withTokenTypes ? Vectors.Longs("inputs.token_type_ids") : null,
        OutputHiddenStates: outputAll,
        OutputAttentions: outputAll);

    void AssertClose(string what, Tensor actual, Tensor expected, Tensor? mask)
    {
        var diff = ReferenceVectors.MaxAbsDiff(actual, expected, mask);
        output.WriteLine($"{what}: max |diff| = {diff:E2}");
        Assert.True(diff <= Tolerance, $"{what}: max |diff| {diff:E3} > {Tolerance:E0}");
    }

    [Fact]
    public void BaseModelParityEveryHiddenStateAttentionAndPooler()
    {
        using var scope = NewDisposeScope();
        using var model = BertModel.FromPretrained(ModelFolder("bert-tiny"));
        var input = Inputs(outputAll: true);
        using var noGrad = no_grad();
        var result = model.forward(input);

        var mask = input.AttentionMask;
        AssertClose("last_hidden_state", result.LastHiddenState, Vectors.Floats("outputs.last_hidden_state"), mask);
        var hidden = Vectors.Element("outputs.hidden_states").EnumerateArray().Select(ReferenceVectors.Floats).ToList();
        Assert.Equal(hidden.Count, result.HiddenStates!.Count);
        for (var i = 0; i < hidden.Count; i++) AssertClose($"hidden_states[{i}]", result.HiddenStates[i], hidden[i], mask);
        var attentions = Vectors.Element("outputs.attentions").EnumerateArray().Select(ReferenceVectors.Floats).ToList();
        Assert.Equal(attentions.Count, result.Attentions!.Count);
        for (var i = 0; i < attentions.Count; i++) AssertClose($"attentions[{i}]", result.Attentions[i], attentions[i], mask);
        AssertClose("pooler_output", result.PoolerOutput!, Vectors.Floats("outputs.pooler_output"), null);
        // The last entry of hidden_states is the last hidden state itself.
        Assert.Same(result.LastHiddenState, result.HiddenStates[^1]);
    }

    [Fact]
    public void NoTokenTypeIdsParity()
    {
        using var scope = NewDisposeScope();
        using var model = BertModel.FromPretrained(ModelFolder("bert-tiny"));
        var input = Inputs(withTokenTypes: false);
        using var noGrad = no_grad();
        var result = model.forward(input);
        AssertClose("no_token_type_ids.last_hidden_state", result.LastHiddenState, Vectors.Floats("no_token_type_ids.last_hidden_state"), input.AttentionMask);
        AssertClose("no_token_type_ids.pooler_output", result.PoolerOutput!, Vectors.Floats("no_token_type_ids.pooler_output"), null);
        // Row 1 is a sentence pair: without its token types the output must really change there.
        Assert.True(ReferenceVectors.MaxAbsDiff(result.LastHiddenState, Vectors.Floats("outputs.last_hidden_state"), input.AttentionMask) > 1e-2);
    }

    [Fact]
    public void SingleUnpaddedRowParity()
    {
        using var scope = NewDisposeScope();
        using var model = BertModel.FromPretrained(ModelFolder("bert-tiny"));
        var input = new EncoderInput(
            Vectors.Longs("single_unpadded_row0.inputs.input_ids"),
            Vectors.Longs("single_unpadded_row0.inputs.attention_mask"),
            Vectors.Longs("single_unpadded_row0.inputs.token_type_ids"));
        using var noGrad = no_grad();
        var result = model.forward(input);
        AssertClose("single_unpadded_row0.last_hidden_state", result.LastHiddenState, Vectors.Floats("single_unpadded_row0.last_hidden_state"), null);
    }

    [Fact]
    public void TokenClassificationLogitsParity()
    {
        using var scope = NewDisposeScope();
        using var model = BertForTokenClassification.FromPretrained(ModelFolder("bert-tiny-token-cls"));
        Assert.Equal(5, model.NumLabels);
        Assert.False(model.Bert.HasPooler);
        var input = Inputs();
        using var noGrad = no_grad();
        var result = model.forward(input);
        AssertClose("token_classification.logits", result.Logits, Vectors.Floats("heads.token_classification.logits"), input.AttentionMask);
        AssertClose("token_classification last_hidden_state", result.EncoderOutput.LastHiddenState, Vectors.Floats("outputs.last_hidden_state"), input.AttentionMask);
    }

    [Fact]
    public void SequenceClassificationLogitsParity()
    {
        using var scope = NewDisposeScope();
        using var model = BertForSequenceClassification.FromPretrained(ModelFolder("bert-tiny-seq-cls"));
        Assert.Equal(3, model.NumLabels);
        var input = Inputs();
        using var noGrad = no_grad();
        var result = model.forward(input);
        AssertClose("sequence_classification.logits", result.Logits, Vectors.Floats("heads.sequence_classification.logits"), null);
        AssertClose("sequence_classification.pooler_output", result.EncoderOutput.PoolerOutput!, Vectors.Floats("heads.sequence_classification.pooler_output"), null);
    }

    [Theory]
    [InlineData("bert-tiny", "state_dict_keys")]
    [InlineData("bert-tiny-token-cls", "heads.token_classification.state_dict_keys")]
    [InlineData("bert-tiny-seq-cls", "heads.sequence_classification.state_dict_keys")]
    public void StateDictKeysAndShapesParity(string folder, string keysPath)
    {
        var expected = Vectors.StateDictKeys(keysPath).ToDictionary(k => k.Name, k => k.Shape);
        var kind = folder switch
        {
            "bert-tiny-token-cls" => (ClassificationTask?)ClassificationTask.TokenClassification,
            "bert-tiny-seq-cls" => ClassificationTask.SequenceClassification,
            _ => null,
        };
        using TorchSharp.torch.nn.Module model = kind is { } task
            ? EncoderModels.CreateClassifier(BertConfig.Load(ModelFolder(folder)), task)
            : EncoderModels.Create(BertConfig.Load(ModelFolder(folder)));
        var actual = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, shape) in expected) Assert.Equal(shape, actual[name]);
    }
}
