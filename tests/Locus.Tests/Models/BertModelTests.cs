using System.Text.Json.Nodes;
using Locus.Models.Bert;
using Locus.Models.Encoders;
using Locus.Models.Safetensors;
using Locus.Tests.TestSupport;
using Microsoft.Extensions.Logging;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Locus.Tests.Models;

/// <summary>BERT behaviour beyond parity: configuration errors, loading across heads, saving, init, dtypes, modes.</summary>
public class BertModelTests(ITestOutputHelper output)
{
    static readonly ReferenceVectors Vectors = ReferenceVectors.LoadModel("bert-tiny");

    static string Fixture(string name) => SharedFixtures.PathOf("models", name);

    static EncoderInput FixtureInputs() => new(
        Vectors.Longs("inputs.input_ids"), Vectors.Longs("inputs.attention_mask"), Vectors.Longs("inputs.token_type_ids"));

    static BertConfig TinyConfig() => new()
    {
        VocabSize = 100, HiddenSize = 16, NumHiddenLayers = 2, NumAttentionHeads = 2, IntermediateSize = 24,
        MaxPositionEmbeddings = 32, PadTokenId = 0,
    };

    /// <summary>Writes a config.json with <paramref name="edit"/> applied to the bert-tiny one.</summary>
    static void WriteConfig(string folder, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixture("bert-tiny"), "config.json")))!.AsObject();
        edit(json);
        File.WriteAllText(Path.Combine(folder, "config.json"), json.ToJsonString());
    }

    [Fact]
    public void RelativeKeyPositionEmbeddingsAreAnErrorNamingTheKey()
    {
        using var dir = new TempDir();
        WriteConfig(dir.Path, json => json["position_embedding_type"] = "relative_key");
        var error = Assert.Throws<DataFormatException>(() => BertConfig.Load(dir.Path));
        Assert.Equal("position_embedding_type", error.Field);
        Assert.Contains("relative_key", error.Message);
        Assert.Contains("config.json", error.Message);
    }

    [Fact]
    public void ConfigReadsClassifierDropoutAndWritesItBack()
    {
        using var dir = new TempDir();
        WriteConfig(dir.Path, json => json["classifier_dropout"] = 0.25);
        var config = BertConfig.Load(dir.Path);
        Assert.Equal(0.25, config.ClassifierDropout);
        Assert.Equal(32, config.HiddenSize);
        Assert.Equal(37, config.IntermediateSize);
        Assert.Equal(1e-12, config.LayerNormEps);
        var json = config.ToJson();
        Assert.Equal(0.25, json["classifier_dropout"]!.GetValue<double>());
        Assert.Equal("absolute", json["position_embedding_type"]!.GetValue<string>());
        Assert.Null(BertConfig.Load(Fixture("bert-tiny")).ClassifierDropout); // "classifier_dropout": null
    }

    [Fact]
    public void CheckpointMissingAWeightIsAnErrorNamingIt()
    {
        using var dir = new TempDir();
        File.Copy(Path.Combine(Fixture("bert-tiny"), "config.json"), dir.File("config.json"));
        const string removed = "encoder.layer.1.output.dense.weight";
        using (var source = SafetensorsFile.Open(Path.Combine(Fixture("bert-tiny"), "model.safetensors")))
        {
            var tensors = source.Entries.Keys.Where(k => k != removed).ToDictionary(k => k, k => source.Read(k));
            SafetensorsWriter.Write(dir.File("model.safetensors"), tensors);
            foreach (var t in tensors.Values) t.Dispose();
        }
        var error = Assert.Throws<LocusException>(() => BertModel.FromPretrained(dir.Path));
        Assert.Contains(removed, error.Message);
    }

    [Fact]
    public void BaseCheckpointIntoTokenClassifierInitialisesTheHeadAndReportsIt()
    {
        using var scope = NewDisposeScope();
        var logger = new ListLogger();
        string[] labels = ["O", "B-PER", "I-PER"];
        using var model = BertForTokenClassification.FromPretrained(Fixture("bert-tiny"), new EncoderLoadOptions { Labels = labels, Seed = 3, Logger = logger });

        Assert.Equal(3, model.NumLabels);
        var freshWarning = Assert.Single(logger.Messages, m => m.Contains("newly initialised"));
        Assert.Contains("classifier.weight", freshWarning);
        Assert.Contains("classifier.bias", freshWarning);
        // bert-tiny has a pooler, which the token classifier does not use.
        Assert.Contains(logger.Messages, m => m.Contains("not used") && m.Contains("pooler.dense.weight"));

        var report = HuggingFaceLayout.LoadWeights(model, Fixture("bert-tiny"));
        Assert.Equal(["classifier.bias", "classifier.weight"], report.Missing.Order(StringComparer.Ordinal));

        // The head is HF-initialised (N(0, 0.02), zero bias), the encoder is the checkpoint's.
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(0f, parameters["classifier.bias"].abs().max().item<float>());
        Assert.InRange(parameters["classifier.weight"].std().item<float>(), 0.01f, 0.03f);
        using var noGrad = no_grad();
        var input = FixtureInputs();
        var result = model.forward(input);
        Assert.True(ReferenceVectors.MaxAbsDiff(result.EncoderOutput.LastHiddenState, Vectors.Floats("outputs.last_hidden_state"), input.AttentionMask) <= 1e-5);

        // The same seed gives the same head.
        using var again = BertForTokenClassification.FromPretrained(Fixture("bert-tiny"), new EncoderLoadOptions { Labels = labels, Seed = 3 });
        Assert.True(Identical(again.forward(input).Logits, result.Logits));
    }

    [Fact]
    public void HeadCheckpointsLoadIntoTheBaseModel()
    {
        using var scope = NewDisposeScope();
        var logger = new ListLogger();
        using var fromSequenceHead = BertModel.FromPretrained(Fixture("bert-tiny-seq-cls"), new EncoderLoadOptions { Logger = logger });
        Assert.Contains(logger.Messages, m => m.Contains("not used") && m.Contains("classifier.weight"));
        var input = FixtureInputs();
        using var noGrad = no_grad();
        var result = fromSequenceHead.forward(input);
        Assert.True(ReferenceVectors.MaxAbsDiff(result.LastHiddenState, Vectors.Floats("outputs.last_hidden_state"), input.AttentionMask) <= 1e-5);
        Assert.True(ReferenceVectors.MaxAbsDiff(result.PoolerOutput!, Vectors.Floats("heads.sequence_classification.pooler_output")) <= 1e-5);

        // The token-classification checkpoint has no pooler: HF initialises it freshly, and so does Locus.
        var poolerLogger = new ListLogger();
        using var fromTokenHead = BertModel.FromPretrained(Fixture("bert-tiny-token-cls"), new EncoderLoadOptions { Logger = poolerLogger });
        Assert.Contains(poolerLogger.Messages, m => m.Contains("newly initialised") && m.Contains("pooler.dense.weight"));
    }

    [Fact]
    public void SaveThenLoadGivesIdenticalOutputsAndHuggingFaceLayout()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDir();
        using var model = BertForTokenClassification.FromPretrained(Fixture("bert-tiny"), new EncoderLoadOptions { Labels = ["O", "B-LOC", "I-LOC"], Seed = 11 });
        model.SavePretrained(dir.Path);

        var config = JsonNode.Parse(File.ReadAllText(dir.File("config.json")))!.AsObject();
        Assert.Equal("BertForTokenClassification", Assert.Single(config["architectures"]!.AsArray())!.GetValue<string>());
        Assert.Equal("bert", config["model_type"]!.GetValue<string>());
        Assert.Equal("B-LOC", config["id2label"]!["1"]!.GetValue<string>());
        Assert.Equal(2, config["label2id"]!["I-LOC"]!.GetValue<int>());
        Assert.Equal("absolute", config["position_embedding_type"]!.GetValue<string>());

        using (var file = SafetensorsFile.Open(dir.File("model.safetensors")))
        {
            Assert.Equal("pt", file.Metadata["format"]);
            Assert.All(file.Entries.Values, e => Assert.Equal(SafetensorsDtype.F32, e.Dtype));
            var expected = Vectors.StateDictKeys("heads.token_classification.state_dict_keys").Select(k => k.Name).Order(StringComparer.Ordinal);
            Assert.Equal(expected, file.Entries.Keys.Order(StringComparer.Ordinal));
        }
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));

        using var reloaded = BertForTokenClassification.FromPretrained(dir.Path);
        Assert.Equal(["O", "B-LOC", "I-LOC"], reloaded.Config.Labels!);
        using var noGrad = no_grad();
        var input = FixtureInputs();
        Assert.True(Identical(model.forward(input).Logits, reloaded.forward(input).Logits));
    }

    [Fact]
    public void SavedBaseModelHasUnprefixedKeysAndLoadsBack()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDir();
        using var model = new BertModel(TinyConfig(), seed: 1);
        model.to(ScalarType.BFloat16);
        model.SavePretrained(dir.Path);
        using (var file = SafetensorsFile.Open(dir.File("model.safetensors")))
        {
            Assert.Contains("embeddings.word_embeddings.weight", file.Entries.Keys);
            Assert.Contains("pooler.dense.weight", file.Entries.Keys);
            Assert.DoesNotContain(file.Entries.Keys, k => k.StartsWith("bert.", StringComparison.Ordinal) || k.EndsWith("position_ids", StringComparison.Ordinal));
            Assert.All(file.Entries.Values, e => Assert.Equal(SafetensorsDtype.F32, e.Dtype)); // bf16 parameters saved as F32
        }
        using var reloaded = (BertModel)EncoderModels.Load(dir.Path, new EncoderLoadOptions { Dtype = ScalarType.BFloat16 });
        var original = model.state_dict();
        foreach (var (name, value) in reloaded.state_dict())
        {
            Assert.Equal(ScalarType.BFloat16, value.dtype);
            Assert.True(Identical(value, original[name]), name);
        }
    }

    [Fact]
    public void RandomInitialisationFollowsHuggingFaceAndIsSeeded()
    {
        using var scope = NewDisposeScope();
        var config = TinyConfig();
        config.PadTokenId = 3;
        using var a = new BertModel(config, seed: 5);
        using var b = new BertModel(config, seed: 5);
        using var c = new BertModel(config, seed: 6);
        var pa = a.state_dict();
        var pb = b.state_dict();
        var pc = c.state_dict();
        Assert.All(pa, kv => Assert.True(Identical(kv.Value, pb[kv.Key]), kv.Key));
        Assert.False(Identical(pa["encoder.layer.0.attention.self.query.weight"], pc["encoder.layer.0.attention.self.query.weight"]));

        foreach (var (name, value) in pa)
        {
            if (name.EndsWith("LayerNorm.weight", StringComparison.Ordinal)) Assert.Equal(1f, value.min().item<float>());
            if (name.EndsWith("LayerNorm.weight", StringComparison.Ordinal)) Assert.Equal(1f, value.max().item<float>());
            if (name.EndsWith(".bias", StringComparison.Ordinal)) Assert.Equal(0f, value.abs().max().item<float>());
        }
        var words = pa["embeddings.word_embeddings.weight"];
        Assert.Equal(0f, words[3].abs().max().item<float>());   // padding row
        Assert.True(words[4].abs().max().item<float>() > 0);
        Assert.InRange(words.std().item<float>(), 0.018f, 0.022f);
        Assert.InRange(pa["encoder.layer.1.intermediate.dense.weight"].std().item<float>(), 0.015f, 0.025f);
    }

    [Fact]
    public void TrainModeAppliesDropoutDeterministicallyWithASeed()
    {
        using var scope = NewDisposeScope();
        using var model = BertForSequenceClassification.FromPretrained(Fixture("bert-tiny-seq-cls"));
        var input = FixtureInputs();
        var eval = model.forward(input).Logits;

        model.train();
        manual_seed(42);
        var first = model.forward(input).Logits;
        manual_seed(42);
        var second = model.forward(input).Logits;
        manual_seed(43);
        var third = model.forward(input).Logits;
        Assert.True(Identical(first, second));
        Assert.False(Identical(first, third));
        Assert.True(ReferenceVectors.MaxAbsDiff(first, eval) > 1e-3);

        // Gradients reach the encoder's first layer through the attention.
        first.sum().backward();
        var grad = model.named_parameters().Single(p => p.name == "bert.encoder.layer.0.attention.self.query.weight").parameter.grad;
        Assert.NotNull(grad);
        Assert.True(grad.abs().sum().item<float>() > 0);

        model.eval();
        using var noGrad = no_grad();
        Assert.True(Identical(model.forward(input).Logits, eval));
    }

    [Fact]
    public void Bf16ForwardIsCloseToFloat32()
    {
        using var scope = NewDisposeScope();
        using var model = BertForTokenClassification.FromPretrained(Fixture("bert-tiny-token-cls"));
        using var bf16 = BertForTokenClassification.FromPretrained(Fixture("bert-tiny-token-cls"), new EncoderLoadOptions { Dtype = ScalarType.BFloat16 });
        var input = FixtureInputs();
        using var noGrad = no_grad();
        var reference = model.forward(input);
        var half = bf16.forward(input);
        Assert.Equal(ScalarType.BFloat16, half.Logits.dtype);
        var hiddenDiff = ReferenceVectors.MaxAbsDiff(half.EncoderOutput.LastHiddenState, reference.EncoderOutput.LastHiddenState, input.AttentionMask);
        var logitDiff = ReferenceVectors.MaxAbsDiff(half.Logits, reference.Logits, input.AttentionMask);
        var logitScale = reference.Logits.abs().max().item<float>();
        output.WriteLine($"bf16 vs fp32: last_hidden_state max |diff| {hiddenDiff:E2}, logits max |diff| {logitDiff:E2} (max |logit| {logitScale:F2})");
        // bf16 keeps 8 significant bits (relative step 2^-8 ≈ 0.4%); two layers of it stay within a few percent.
        Assert.True(hiddenDiff < 0.1, $"hidden {hiddenDiff}");
        Assert.True(logitDiff < 0.05 * logitScale, $"logits {logitDiff}");
        // Predicted labels agree on real tokens.
        var realTokens = input.AttentionMask.to_type(ScalarType.Bool);
        Assert.True(Identical(half.Logits.argmax(-1).masked_select(realTokens), reference.Logits.argmax(-1).masked_select(realTokens)));
    }

    [Fact]
    public void RegistryBuildsBertFromModelTypeAndListsSupportedTypesOtherwise()
    {
        using var scope = NewDisposeScope();
        Assert.Contains("bert", EncoderModels.SupportedModelTypes);
        Assert.IsType<BertConfig>(EncoderModels.ReadConfig(Fixture("bert-tiny")));
        using var classifier = EncoderModels.LoadClassifier(Fixture("bert-tiny-seq-cls"), ClassificationTask.SequenceClassification);
        Assert.IsType<BertForSequenceClassification>(classifier);
        using var noGrad = no_grad();
        Assert.True(ReferenceVectors.MaxAbsDiff(classifier.forward(FixtureInputs()).Logits, Vectors.Floats("heads.sequence_classification.logits")) <= 1e-5);

        using var dir = new TempDir();
        WriteConfig(dir.Path, json => json["model_type"] = "roberta");
        var error = Assert.Throws<DataFormatException>(() => EncoderModels.ReadConfig(dir.Path));
        Assert.Equal("model_type", error.Field);
        Assert.Contains("roberta", error.Message);
        Assert.Contains("supported: bert", error.Message);
    }

    [Fact]
    public void SequenceLongerThanThePositionTableIsAnError()
    {
        using var scope = NewDisposeScope();
        using var model = new BertModel(TinyConfig(), seed: 1);
        var ids = ones(1, 33, dtype: ScalarType.Int64);
        var error = Assert.Throws<LocusException>(() => model.forward(new EncoderInput(ids, ones_like(ids))));
        Assert.Contains("max_position_embeddings 32", error.Message);
    }

    static bool Identical(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    sealed class ListLogger : ILogger
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }
}
