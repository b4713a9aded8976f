using System.Text.Json.Nodes;
using Locus.Models.Deberta;
using Locus.Models.Encoders;
using Locus.Tests.TestSupport;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Locus.Tests.Models;

/// <summary>
/// DeBERTa through the architecture-neutral API (<see cref="EncoderModels"/>, <see cref="EncoderClassifier"/>):
/// what fine-tuning, pre-training, retrieval and the CLI use without knowing the architecture.
/// </summary>
public sealed class DebertaV2RegistryTests(ITestOutputHelper output)
{
    static readonly ReferenceVectors Vectors = ReferenceVectors.LoadModel("deberta-v3-tiny");

    static EncoderInput FixtureInputs(bool outputHiddenStates = false) =>
        new(Vectors.Longs("inputs.input_ids"), Vectors.Longs("inputs.attention_mask"), OutputHiddenStates: outputHiddenStates);

    /// <summary>A tiny v3 configuration (vocabulary 100, hidden 32, 2 layers, 8 buckets).</summary>
    static DebertaV2Config Tiny(IReadOnlyList<string>? labels = null)
    {
        var config = DebertaV2Config.DebertaV3XSmall();
        config.VocabSize = 100;
        config.HiddenSize = 32;
        config.NumHiddenLayers = 2;
        config.NumAttentionHeads = 4;
        config.IntermediateSize = 37;
        config.MaxPositionEmbeddings = 64;
        config.PositionBuckets = 8;
        config.PoolerHiddenSize = 32;
        config.Labels = labels;
        return config;
    }

    static EncoderInput SmallBatch()
    {
        using var generator = new TorchSharp.torch.Generator(7);
        var ids = randint(1, 100, [2, 9], generator: generator);
        var mask = ones_like(ids);
        mask[1].narrow(0, 6, 3).fill_(0);
        return new EncoderInput(ids, mask);
    }

    [Fact]
    public void RegistryLoadsTheDebertaTokenClassificationFixtureAsAnEncoderClassifierParity()
    {
        var folder = SharedFixtures.PathOf("models", "deberta-v3-tiny-token-cls");
        Assert.Contains("deberta-v2", EncoderModels.SupportedModelTypes);
        Assert.IsType<DebertaV2Config>(EncoderModels.ReadConfig(folder));

        using EncoderClassifier classifier = EncoderModels.LoadClassifier(folder, ClassificationTask.TokenClassification);
        Assert.IsType<DebertaV2ForTokenClassification>(classifier);
        Assert.Equal(ClassificationTask.TokenClassification, classifier.Task);
        Assert.Equal(5, classifier.NumLabels);
        Assert.Equal("deberta.", classifier.BasePrefix);
        Assert.IsType<DebertaV2Model>(classifier.Encoder);
        Assert.False(classifier.training);

        using var scope = NewDisposeScope();
        var input = FixtureInputs(outputHiddenStates: true);
        var result = classifier.call(input);
        var logitsDiff = ReferenceVectors.MaxAbsDiff(result.Logits, Vectors.Floats("heads.token_classification.logits"), input.AttentionMask);
        var hiddenDiff = ReferenceVectors.MaxAbsDiff(result.EncoderOutput.LastHiddenState, Vectors.Floats("outputs.last_hidden_state"), input.AttentionMask);
        output.WriteLine($"registry token_classification logits: max |diff| = {logitsDiff:E2}; last_hidden_state {hiddenDiff:E2}");
        Assert.True(logitsDiff <= 1e-5, $"logits {logitsDiff}");
        Assert.True(hiddenDiff <= 1e-5, $"last_hidden_state {hiddenDiff}");
        // The head passes output_hidden_states through: embeddings + one entry per layer.
        Assert.Equal(3, result.EncoderOutput.HiddenStates!.Count);
        Assert.Same(result.EncoderOutput.LastHiddenState, result.EncoderOutput.HiddenStates[^1]);

        using var encoder = EncoderModels.Load(folder);
        Assert.IsType<DebertaV2Model>(encoder);
        Assert.True(ReferenceVectors.MaxAbsDiff(encoder.call(input).LastHiddenState, Vectors.Floats("outputs.last_hidden_state"), input.AttentionMask) <= 1e-5);
    }

    [Fact]
    public void CreateClassifierBuildsDebertaHeadsFromADebertaV2Config()
    {
        using var scope = NewDisposeScope();
        using var sequence = EncoderModels.CreateClassifier(Tiny(["neg", "neutral", "pos"]), ClassificationTask.SequenceClassification, seed: 4);
        Assert.IsType<DebertaV2ForSequenceClassification>(sequence);
        Assert.Equal(3, sequence.NumLabels);
        var keys = sequence.state_dict();
        Assert.Equal(new long[] { 3, 32 }, keys["classifier.weight"].shape);
        Assert.Equal(new long[] { 32, 32 }, keys["pooler.dense.weight"].shape);
        Assert.Equal(new long[] { 16, 32 }, keys["deberta.encoder.rel_embeddings.weight"].shape); // 2 · position_buckets rows
        Assert.All(keys.Keys, k => Assert.True(k.StartsWith("deberta.", StringComparison.Ordinal) || k.StartsWith("pooler.", StringComparison.Ordinal) || k.StartsWith("classifier.", StringComparison.Ordinal), k));
        Assert.Equal(0, keys["deberta.embeddings.word_embeddings.weight"][0].abs().max().item<float>()); // padding row

        // The same seed gives the same model; no labels means HF's LABEL_0, LABEL_1.
        using var again = EncoderModels.CreateClassifier(Tiny(["neg", "neutral", "pos"]), ClassificationTask.SequenceClassification, seed: 4);
        Assert.All(keys, kv => Assert.True(DebertaV2ParityTests.Same(kv.Value, again.state_dict()[kv.Key]), kv.Key));
        using var token = EncoderModels.CreateClassifier(Tiny(), ClassificationTask.TokenClassification, seed: 4);
        Assert.IsType<DebertaV2ForTokenClassification>(token);
        Assert.Equal(["LABEL_0", "LABEL_1"], token.Config.Labels!);

        token.eval();
        sequence.eval();
        var input = SmallBatch();
        Assert.Equal(new long[] { 2, 9, 2 }, token.call(input).Logits.shape);
        Assert.Equal(new long[] { 2, 3 }, sequence.call(input).Logits.shape);

        using var bare = EncoderModels.Create(Tiny(), seed: 4);
        Assert.IsType<DebertaV2Model>(bare);
        Assert.DoesNotContain(bare.state_dict().Keys, k => k.StartsWith("deberta.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(ClassificationTask.TokenClassification)]
    [InlineData(ClassificationTask.SequenceClassification)]
    public void SaveThenLoadThroughTheRegistryGivesIdenticalLogits(ClassificationTask task)
    {
        using var dir = new TempDir();
        using var scope = NewDisposeScope();
        using var model = EncoderModels.CreateClassifier(Tiny(["A", "B", "C"]), task, seed: 12);
        model.eval();
        model.SavePretrained(dir.Path);

        var config = JsonNode.Parse(File.ReadAllText(dir.File("config.json")))!;
        Assert.Equal(model.GetType().Name, config["architectures"]![0]!.GetValue<string>());
        Assert.Equal("deberta-v2", config["model_type"]!.GetValue<string>());
        Assert.Equal(["A", "B", "C"], EncoderModels.ReadConfig(dir.Path).Labels!);

        using var back = EncoderModels.LoadClassifier(dir.Path, task);
        Assert.Equal(model.GetType(), back.GetType());
        var input = SmallBatch();
        Assert.True(DebertaV2ParityTests.Same(model.call(input).Logits, back.call(input).Logits));

        // The head checkpoint also loads as a bare encoder, giving the head's encoder output.
        using var encoder = EncoderModels.Load(dir.Path);
        Assert.True(DebertaV2ParityTests.Same(model.Encoder.call(input).LastHiddenState, encoder.call(input).LastHiddenState));
    }

    [Fact]
    public void ABaseCheckpointLoadsIntoAClassifierWithOnlyThePoolerAndClassifierNewlyInitialised()
    {
        var folder = SharedFixtures.PathOf("models", "deberta-v3-tiny");
        var config = (DebertaV2Config)EncoderModels.ReadConfig(folder);
        config.Labels = ["neg", "pos"];
        using var model = EncoderModels.CreateClassifier(config, ClassificationTask.SequenceClassification, seed: 1);
        var report = HuggingFaceLayout.LoadWeights(model, folder);
        Assert.Equal(["classifier.bias", "classifier.weight", "pooler.dense.bias", "pooler.dense.weight"], report.Missing.Order(StringComparer.Ordinal));
        Assert.Empty(report.Unused);
    }
}
