using Locus.Data;
using Locus.Models.Bert;
using Locus.Models.Encoders;
using Locus.Models.Tokenization;
using Locus.Tests.TestSupport;
using Locus.Training.FineTuning;
using Locus.Training.Lora;
using Locus.Training.Trainer;

namespace Locus.Tests.Training;

public class FineTunerTests
{
    internal static readonly NerExample[] Ner =
    [
        new("Alice works at Acme in Paris .", [new(0, 5, "PER"), new(15, 19, "ORG"), new(23, 28, "LOC")]),
        new("Bob visited Berlin with Carol .", [new(0, 3, "PER"), new(12, 18, "LOC"), new(24, 29, "PER")]),
        new("Globex hired Dave last year .", [new(0, 6, "ORG"), new(13, 17, "PER")]),
        new("The office in Rome is closed .", [new(14, 18, "LOC")]),
        new("Erin left Initech for Lisbon .", [new(0, 4, "PER"), new(10, 17, "ORG"), new(22, 28, "LOC")]),
        new("Nothing happened today .", []),
    ];

    static readonly ClassificationExample[] Tc =
    [
        new("the card was blocked at the shop", "card"), new("my card does not work abroad", "card"),
        new("please send money to my friend", "transfer"), new("the transfer to my sister failed", "transfer"),
        new("how do I change my address", "account"), new("close my account please", "account"),
    ];

    /// <summary>A tiny random BERT with a WordPiece vocabulary learnt from the texts, saved as a Hugging Face folder.</summary>
    internal static string BaseModel(TempDir dir, IEnumerable<string> texts)
    {
        var folder = dir.File("base");
        var vocab = WordPieceTrainer.Train(texts, new WordPieceTrainerOptions { VocabSize = 120, MinFrequency = 1 });
        WordPieceTrainer.WriteTokenizerFolder(folder, vocab);
        var config = new BertConfig { VocabSize = vocab.Count, HiddenSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 2, IntermediateSize = 64, MaxPositionEmbeddings = 64 };
        using var model = EncoderModels.Create(config, seed: 3);
        model.SavePretrained(folder);
        return folder;
    }

    // The head fit and the contrastive stage are off here, so these tests see the training machinery from a random head.
    static FineTuneOptions Options(DataTask task, FineTuneMode mode, double lr, int epochs = 40, bool fitHead = false) => new()
    {
        Task = task, Mode = mode, LoraRank = 8, LoraAlpha = 16, LoraDropout = 0, MaxLength = 32, Stride = 8, FitHead = fitHead, ContrastiveEpochs = 0, MinimumStepsPerEpoch = 1,
        Training = new TrainerOptions { Epochs = epochs, LearningRate = lr, BatchSize = 4, WarmupRatio = 0.1, Patience = 0, Seed = 7, WeightDecay = 0 },
    };

    [Fact]
    public void LoraOverfitsATinyNerSetAndReloadsToIdenticalPredictions()
    {
        using var dir = new TempDir();
        var baseModel = BaseModel(dir, Ner.Select(e => e.Text));
        var output = dir.File("ner-lora");
        using var model = new FineTuner().Train(baseModel, Ner, Ner, ["PER", "ORG", "LOC"], Options(DataTask.Ner, FineTuneMode.Lora, 1e-2, epochs: 60), output, out var result);

        var phase = result.Phases.Single();
        Assert.True(phase.LossCurve[^1] < phase.LossCurve[0] * 0.2, string.Join(", ", phase.LossCurve));
        Assert.Equal(1.0, phase.BestDevMetric, 6);
        Assert.True(result.TrainableParameters < result.TotalParameters / 2);
        Assert.True(File.Exists(Path.Combine(output, PeftAdapterFiles.ConfigFile)));
        Assert.True(File.Exists(Path.Combine(output, "vocab.txt")));

        var texts = Ner.Select(e => e.Text).ToList();
        var before = model.NerPredictor().Predict(texts);
        using var reloaded = TrainedModel.Load(output);
        var after = reloaded.NerPredictor().Predict(texts);
        Assert.Equal(Flatten(before), Flatten(after));
        Assert.Equal(Ner.Select(e => e.Spans.Select(s => (s.Start, s.End, s.Label))), before.Select(p => p.Select(s => (s.Start, s.End, s.Label))));
    }

    [Theory]
    [InlineData(DataTask.Ner)]
    [InlineData(DataTask.Classification)]
    public void AFittedHeadStartsTrainingFromALowerLoss(DataTask task)
    {
        using var dir = new TempDir();
        IReadOnlyList<Example> data = task == DataTask.Ner ? Ner : Tc;
        string[] labels = task == DataTask.Ner ? ["PER", "ORG", "LOC"] : Tc.Select(e => e.Labels[0]).Distinct().Order().ToArray();
        var baseModel = BaseModel(dir, data.Select(e => e.Text));
        double FirstLoss(bool fitHead)
        {
            using var model = new FineTuner().Train(baseModel, data, data, labels, Options(task, FineTuneMode.Lora, 1e-2, epochs: 1, fitHead), dir.File($"m-{fitHead}"), out var result);
            return result.Phases[0].LossCurve[0];
        }
        Assert.True(FirstLoss(true) < FirstLoss(false));
    }

    [Fact]
    public void LoraDropoutIsOffWhenPredicting()
    {
        using var dir = new TempDir();
        var baseModel = BaseModel(dir, Tc.Select(e => e.Text));
        var options = Options(DataTask.Classification, FineTuneMode.Lora, 1e-2, epochs: 2);
        options.LoraDropout = 0.5;
        var output = dir.File("tc-dropout");
        using var model = new FineTuner().Train(baseModel, Tc, Tc, ["account", "card", "transfer"], options, output, out _);
        var texts = Tc.Select(e => e.Text).ToList();
        using var reloaded = TrainedModel.Load(output);

        foreach (var trained in new[] { model, reloaded })
        {
            var first = trained.TextPredictor().Probabilities(texts);
            var second = trained.TextPredictor().Probabilities(texts);
            Assert.Equal(first.SelectMany(p => p), second.SelectMany(p => p));
        }
        var difference = model.TextPredictor().Probabilities(texts).SelectMany(p => p)
            .Zip(reloaded.TextPredictor().Probabilities(texts).SelectMany(p => p), (a, b) => Math.Abs(a - b)).Max();
        Assert.True(difference < 1e-5, $"reloaded model differs by {difference}");
    }

    [Fact]
    public void Bf16LoraOverfitsTooAndLeavesTheFloat32BaseUntouched()
    {
        using var dir = new TempDir();
        var baseModel = BaseModel(dir, Ner.Select(e => e.Text));
        var options = Options(DataTask.Ner, FineTuneMode.Lora, 1e-2);
        options.Training.Bf16 = true;
        using var model = new FineTuner().Train(baseModel, Ner, Ner, ["PER", "ORG", "LOC"], options, dir.File("bf16"), out var result);

        // bfloat16 sums depend on the thread count other tests leave behind: near-perfect, not bit-exact, fits.
        Assert.True(result.Phases.Single().BestDevMetric >= 0.9, $"best dev F1 {result.Phases.Single().BestDevMetric}");
        using var untouched = EncoderModels.LoadClassifier(baseModel, ClassificationTask.TokenClassification, new EncoderLoadOptions { Labels = model.Manifest.Labels });
        var reference = untouched.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in model.Classifier.named_parameters().Where(p => !p.name.StartsWith("classifier.", StringComparison.Ordinal)))
        {
            Assert.Equal(TorchSharp.torch.ScalarType.Float32, p.dtype);
            Assert.True(p.eq(reference[name]).all().item<bool>(), name);
        }
        var options2 = Options(DataTask.Ner, FineTuneMode.Full, 1e-3);
        options2.Training.Bf16 = true;
        Assert.Throws<LocusException>(() => new FineTuner().Train(baseModel, Ner, Ner, ["PER", "ORG", "LOC"], options2, dir.File("full"), out _));
    }

    [Theory]
    [InlineData(FineTuneMode.Lora, 1e-2)]
    [InlineData(FineTuneMode.Full, 1e-3)]
    public void GradientCheckpointingTrainsLikeWithout(FineTuneMode mode, double lr)
    {
        using var dir = new TempDir();
        var baseModel = BaseModel(dir, Ner.Select(e => e.Text));
        IReadOnlyList<double> Losses(bool checkpointing)
        {
            var options = Options(DataTask.Ner, mode, lr, epochs: 3);
            options.LoraDropout = 0.2;                          // dropout on (BERT's hidden dropout too): the recompute must replay it
            options.Training.GradientCheckpointing = checkpointing;
            using var model = new FineTuner().Train(baseModel, Ner, Ner, ["PER", "ORG", "LOC"], options, dir.File($"{mode}-{checkpointing}"), out var result);
            return result.Phases.Single().LossCurve;
        }
        var plain = Losses(false);
        var checkpointed = Losses(true);
        Assert.Equal(plain.Count, checkpointed.Count);
        foreach (var (a, b) in plain.Zip(checkpointed)) Assert.True(Math.Abs(a - b) <= 1e-4 * Math.Max(1, Math.Abs(a)), $"{string.Join(", ", plain)} against {string.Join(", ", checkpointed)}");
    }

    [Fact]
    public void MergedModelPredictsLikeTheAdapter()
    {
        using var dir = new TempDir();
        var baseModel = BaseModel(dir, Ner.Select(e => e.Text));
        using var model = new FineTuner().Train(baseModel, Ner, Ner, ["PER", "ORG", "LOC"], Options(DataTask.Ner, FineTuneMode.Lora, 1e-2, epochs: 10), dir.File("a"), out _);
        var texts = Ner.Select(e => e.Text).ToList();
        var adapter = model.NerPredictor().Predict(texts);

        model.SaveMerged(dir.File("merged"), baseModel);
        using var merged = TrainedModel.Load(dir.File("merged"));
        Assert.Null(merged.Lora);
        var mergedPredictions = merged.NerPredictor().Predict(texts);
        Assert.Equal(adapter.Select(p => p.Select(s => (s.Start, s.End, s.Label))), mergedPredictions.Select(p => p.Select(s => (s.Start, s.End, s.Label))));
        foreach (var (a, m) in Flatten(adapter).Zip(Flatten(mergedPredictions))) Assert.Equal(a.Confidence, m.Confidence, 4);
    }

    [Theory]
    [InlineData(FineTuneMode.Lora, 1e-2)]
    [InlineData(FineTuneMode.Full, 3e-3)]
    public void ClassifierOverfitsATinyTextSet(FineTuneMode mode, double lr)
    {
        using var dir = new TempDir();
        var baseModel = BaseModel(dir, Tc.Select(e => e.Text));
        using var model = new FineTuner().Train(baseModel, Tc, Tc, ["account", "card", "transfer"], Options(DataTask.Classification, mode, lr), dir.File("tc"), out var result);
        Assert.Equal(1.0, result.Phases[0].BestDevMetric, 6);
        var predictions = model.TextPredictor().Predict(Tc.Select(e => e.Text).ToList());
        Assert.Equal(Tc.Select(e => e.Label), predictions.Select(p => p.Labels.Single()));
        if (mode == FineTuneMode.Full) Assert.Equal(result.TotalParameters, result.TrainableParameters);
    }

    static List<(int Start, int End, string Label, double Confidence)> Flatten(IEnumerable<IEnumerable<Locus.Evaluation.ScoredEntitySpan>> spans) =>
        spans.SelectMany(p => p.Select(s => (s.Start, s.End, s.Label, s.Confidence))).ToList();
}
