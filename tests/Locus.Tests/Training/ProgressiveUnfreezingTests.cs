using Locus.Data;
using Locus.Models.Encoders;
using Locus.Models.Safetensors;
using Locus.Tests.TestSupport;
using Locus.Training.FineTuning;
using Locus.Training.Trainer;

namespace Locus.Tests.Training;

public class ProgressiveUnfreezingTests
{
    [Fact]
    public void StagesAddOneLayerAtATimeFromTheTop()
    {
        var stages = ProgressiveUnfreezing.Plan(["layer.3", "layer.2", "layer.1"], totalEpochs: 7, epochsPerStage: 0);
        Assert.Equal([["layer.3"], ["layer.3", "layer.2"], ["layer.3", "layer.2", "layer.1"]], stages.Select(s => s.Layers.ToArray()));
        Assert.Equal([2, 2, 3], stages.Select(s => s.Epochs));
        Assert.Equal([4, 4, 4], ProgressiveUnfreezing.Plan(["a", "b", "c"], totalEpochs: 1, epochsPerStage: 4).Select(s => s.Epochs));
        Assert.Empty(ProgressiveUnfreezing.Plan([], 5, 0));
        Assert.Throws<LocusException>(() => ProgressiveUnfreezing.Plan(["a", "b", "c"], totalEpochs: 2, epochsPerStage: 0));
        Assert.True(ProgressiveUnfreezing.IsIn("bert.encoder.layer.1.output.dense.weight", ["bert.encoder.layer.1"]));
        Assert.False(ProgressiveUnfreezing.IsIn("bert.encoder.layer.11.output.dense.weight", ["bert.encoder.layer.1"]));
    }

    /// <summary>Stops a run as soon as a given number of epochs (over all phases) has ended.</summary>
    sealed class StopAfterEpochs(int epochs, CancellationTokenSource cancel) : IProgress<TrainingProgress>
    {
        int ended;
        public void Report(TrainingProgress value)
        {
            if (value.DevMetric is not null && ++ended == epochs) cancel.Cancel();
        }
    }

    [Fact]
    public void EachStageTrainsTheLayersUnfrozenSoFar()
    {
        using var dir = new TempDir();
        var baseModel = FineTunerTests.BaseModel(dir, FineTunerTests.Ner.Select(e => e.Text));
        var output = dir.File("staged");
        var options = new FineTuneOptions
        {
            Task = DataTask.Ner, Mode = FineTuneMode.Lora, LoraRank = 4, LoraAlpha = 8, LoraDropout = 0, MaxLength = 32, Stride = 8,
            UnfreezeTopLayers = 2, SecondPhaseEpochs = 2, SecondPhaseLearningRate = 1e-3,
            Training = new TrainerOptions { Epochs = 2, LearningRate = 1e-2, BatchSize = 4, Patience = 0, Seed = 7 },
        };
        string[] labels = ["PER", "ORG", "LOC"];

        // Interrupted after the first stage: the checkpoints name the parameters each phase trained.
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            new FineTuner().Train(baseModel, FineTunerTests.Ner, FineTunerTests.Ner, labels, options, output, out _, new StopAfterEpochs(3, cancel), cancel.Token));
        static HashSet<int> LayersTrained(string checkpoint)
        {
            using var file = SafetensorsFile.Open(Path.Combine(checkpoint, "trainable.safetensors"));
            return file.Entries.Keys.Where(k => !k.Contains("lora_", StringComparison.Ordinal) && k.Contains("encoder.layer.", StringComparison.Ordinal))
                .Select(k => int.Parse(k.Split("encoder.layer.")[1].Split('.')[0], System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        }
        Assert.Empty(LayersTrained(Path.Combine(output, "checkpoints", "phase1")));
        Assert.Equal([1], LayersTrained(Path.Combine(output, "checkpoints", "phase2-stage1")));
        Assert.False(Directory.Exists(Path.Combine(output, "checkpoints", "phase2-stage2")));

        // Resumed: the finished phases are restored, and the last stage also trains layer 0.
        using var model = new FineTuner().Train(baseModel, FineTunerTests.Ner, FineTunerTests.Ner, labels, options, output, out var result);
        Assert.Equal([2, 1, 1], result.Phases.Select(p => p.EpochsRun));
        using var untouched = EncoderModels.LoadClassifier(baseModel, ClassificationTask.TokenClassification, new EncoderLoadOptions { Labels = model.Manifest.Labels });
        var trained = model.Classifier.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        bool Changed(string name) => !trained[name].eq(untouched.named_parameters().Single(p => p.name == name).parameter).all().item<bool>();
        var names = trained.Keys.ToList();
        Assert.All(names.Where(n => n.Contains("encoder.layer.0.", StringComparison.Ordinal) && n.EndsWith(".weight", StringComparison.Ordinal)), n => Assert.True(Changed(n), n));
        Assert.All(names.Where(n => n.Contains("embeddings.", StringComparison.Ordinal)), n => Assert.False(Changed(n), n));
    }
}
