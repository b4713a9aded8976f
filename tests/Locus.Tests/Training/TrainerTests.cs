using Locus.Tests.TestSupport;
using Locus.Training.Trainer;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Locus.Tests.Training;

public class TrainerTests
{
    /// <summary>Logistic regression on two separable Gaussian blobs: small enough to train in milliseconds.</summary>
    sealed class BlobTask : ITrainingTask
    {
        readonly Sequential model;
        readonly Tensor x, y, devX, devY;
        int[] order;
        const int BatchSize = 8;

        public BlobTask(int seed, int? initialisationSeed = null)
        {
            manual_seed(initialisationSeed ?? seed);
            model = nn.Sequential(("hidden", nn.Linear(2, 8)), ("act", nn.Tanh()), ("dropout", nn.Dropout(0.1)), ("out", nn.Linear(8, 2)));
            (x, y) = Blobs(64, seed + 100);
            (devX, devY) = Blobs(32, seed + 200);
            order = Enumerable.Range(0, BatchesPerEpoch).ToArray();
        }

        static (Tensor, Tensor) Blobs(int n, int seed)
        {
            var g = new Generator((ulong)seed);
            var labels = arange(n).remainder(2);
            var centres = labels.to_type(ScalarType.Float32).mul(2).sub(1).unsqueeze(1).expand(n, 2).mul(1.5);
            return (centres.add(randn(n, 2, generator: g)), labels);
        }

        public Sequential Model => model;
        public int BatchesPerEpoch => (int)x.shape[0] / BatchSize;
        public IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters => model.named_parameters().ToList();
        public void SetTrainingMode(bool training) => model.train(training);
        public void ShuffleBatches(Random random)
        {
            order = Enumerable.Range(0, BatchesPerEpoch).ToArray();
            random.Shuffle(order);
        }

        public Tensor Loss(int index)
        {
            var start = order[index] * BatchSize;
            var logits = model.call(x.narrow(0, start, BatchSize));
            return nn.functional.cross_entropy(logits, y.narrow(0, start, BatchSize));
        }

        public double EvaluateDev(CancellationToken cancellationToken)
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            return model.call(devX).argmax(1).eq(devY).to_type(ScalarType.Float32).mean().item<float>();
        }

        public float[] Weights() => model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
    }

    [Fact]
    public void LossFallsAndTheBestEpochIsRestored()
    {
        var task = new BlobTask(1);
        var result = new Trainer(new TrainerOptions { Epochs = 15, LearningRate = 0.05, Patience = 0, WarmupRatio = 0.1, Seed = 3 }).Train(task);
        Assert.Equal(15, result.EpochsRun);
        Assert.True(result.LossCurve[^1] < result.LossCurve[0] * 0.5, $"loss {result.LossCurve[0]} -> {result.LossCurve[^1]}");
        Assert.True(result.BestDevMetric >= 0.9, $"dev accuracy {result.BestDevMetric}");
        Assert.Equal(result.DevCurve.Max(), result.BestDevMetric);
        Assert.Equal(result.DevCurve.ToList().LastIndexOf(result.DevCurve.Max()) + 1, result.BestEpoch); // ties go to the later epoch
        // The restored weights are the best epoch's: evaluating now gives its dev metric.
        Assert.Equal(result.BestDevMetric, task.EvaluateDev(default), 6);
    }

    [Fact]
    public void EarlyStoppingEndsAfterPatienceEpochsWithoutImprovement()
    {
        var task = new BlobTask(2);
        var result = new Trainer(new TrainerOptions { Epochs = 40, LearningRate = 0.05, Patience = 2, Seed = 3 }).Train(task);
        Assert.True(result.EpochsRun < 40);
        // Patience counts from the last strict improvement (the first epoch with the best score); ties pick a later epoch.
        Assert.Equal(result.DevCurve.ToList().IndexOf(result.DevCurve.Max()) + 1 + 2, result.EpochsRun);
        Assert.Equal(result.DevCurve.ToList().LastIndexOf(result.DevCurve.Max()) + 1, result.BestEpoch);
    }

    /// <summary>A blob task whose dev scores are scripted, epoch by epoch.</summary>
    sealed class ScriptedDevTask(BlobTask inner, params double[] devScores) : ITrainingTask
    {
        int evaluations;
        public int BatchesPerEpoch => inner.BatchesPerEpoch;
        public IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters => inner.TrainableParameters;
        public void SetTrainingMode(bool training) => inner.SetTrainingMode(training);
        public Tensor Loss(int index) => inner.Loss(index);
        public void ShuffleBatches(Random random) => inner.ShuffleBatches(random);
        public double EvaluateDev(CancellationToken cancellationToken) => devScores[evaluations++];
    }

    [Fact]
    public void EpochsThatScoreNothingYetDoNotUseUpPatience()
    {
        var options = new TrainerOptions { Epochs = 10, LearningRate = 0.05, Patience = 2, Seed = 3 };
        // Four epochs at 0 (nothing found yet), then a first score, then two without improvement: stop at epoch 7.
        var late = new Trainer(options).Train(new ScriptedDevTask(new BlobTask(2), 0, 0, 0, 0, 0.5, 0.4, 0.5, 0.9, 0.9, 0.9));
        Assert.Equal(7, late.EpochsRun);
        Assert.Equal(7, late.BestEpoch); // the tie with epoch 5 goes to the later epoch
        // A dev set that never scores anything trains the whole budget and keeps the last epoch.
        var never = new Trainer(options).Train(new ScriptedDevTask(new BlobTask(2), new double[10]));
        Assert.Equal((10, 10), (never.EpochsRun, never.BestEpoch));
    }

    [Fact]
    public void SameSeedGivesTheSameWeights()
    {
        var a = new BlobTask(5);
        var b = new BlobTask(5);
        var options = new TrainerOptions { Epochs = 4, LearningRate = 0.05, Patience = 0, Seed = 9, GradientAccumulationSteps = 2 };
        new Trainer(options).Train(a);
        new Trainer(options).Train(b);
        Assert.Equal(a.Weights(), b.Weights());
    }

    [Fact]
    public void AnInterruptedRunResumesToTheSameResult()
    {
        using var dir = new TempDir();
        var options = new TrainerOptions { Epochs = 6, LearningRate = 0.05, Patience = 0, Seed = 4 };

        var uninterrupted = new BlobTask(7);
        var expected = new Trainer(options).Train(uninterrupted);

        var interrupted = new BlobTask(7);
        using var cancel = new CancellationTokenSource();
        var withCheckpoint = new TrainerOptions { Epochs = 6, LearningRate = 0.05, Patience = 0, Seed = 4, CheckpointDirectory = dir.Path };
        var progress = new SyncProgress(p => { if (p.DevMetric is not null && p.Epoch == 3) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => new Trainer(withCheckpoint).Train(interrupted, progress, cancel.Token));

        var resumed = new BlobTask(7, initialisationSeed: 99); // same data, other initial weights: everything must come from the checkpoint
        var result = new Trainer(withCheckpoint).Train(resumed);
        Assert.Equal(expected.LossCurve, result.LossCurve);
        Assert.Equal(expected.DevCurve, result.DevCurve);
        Assert.Equal(uninterrupted.Weights(), resumed.Weights());
    }

    [Fact]
    public void ACheckpointIsNotContinuedUnderOtherSettings()
    {
        using var dir = new TempDir();
        var first = new TrainerOptions { Epochs = 2, LearningRate = 0.05, Patience = 0, Seed = 4, CheckpointDirectory = dir.Path };
        new Trainer(first).Train(new BlobTask(7));

        var other = first.Clone();
        other.LearningRate = 0.01;
        var error = Assert.Throws<LocusException>(() => new Trainer(other).Train(new BlobTask(7)));
        Assert.Contains("other settings", error.Message);
        Assert.Contains("lr 0.05", error.Message);
        Assert.Equal(2, new Trainer(first).Train(new BlobTask(7)).EpochsRun); // the same settings still resume
    }

    [Fact]
    public void StopAfterEpoch_TrainsTheFirstEpochsOfTheScheduleAndKeepsTheirLastWeights()
    {
        var whole = new Trainer(new TrainerOptions { Epochs = 6, LearningRate = 0.05, Patience = 0, Seed = 4 }).Train(new BlobTask(8));

        var task = new BlobTask(8);
        var stopped = new Trainer(new TrainerOptions { Epochs = 6, LearningRate = 0.05, Patience = 1, Seed = 4, StopAfterEpoch = 3 }).Train(task);
        Assert.Equal(3, stopped.EpochsRun);
        Assert.Equal(whole.LossCurve.Take(3), stopped.LossCurve); // the same six-epoch schedule, cut after three
        Assert.Equal(3, stopped.BestEpoch); // no best-epoch choice: the last weights stay
        Assert.Equal(stopped.DevCurve[^1], task.EvaluateDev(default), 6);

        var untouched = new BlobTask(8);
        var before = untouched.Weights();
        Assert.Equal(0, new Trainer(new TrainerOptions { Epochs = 6, LearningRate = 0.05, StopAfterEpoch = 0 }).Train(untouched).EpochsRun);
        Assert.Equal(before, untouched.Weights());

        var error = Assert.Throws<LocusException>(() => new Trainer(new TrainerOptions { Epochs = 6, StopAfterEpoch = 7 }).Train(new BlobTask(8)));
        Assert.Contains("between 0 and --epochs (6)", error.Message);
    }

    [Fact]
    public void ScheduleWarmsUpThenDecaysLinearly()
    {
        var s = new LearningRateSchedule(1.0, 4, 12);
        Assert.Equal([0.25, 0.5, 0.75, 1.0, 1.0, 0.875, 0.75], Enumerable.Range(0, 7).Select(i => s.At(i)).ToArray());
        Assert.Equal(0.125, s.At(11));
    }

    [Theory]
    [InlineData("encoder.layer.0.attention.output.LayerNorm.weight", true)]
    [InlineData("encoder.layer.0.attention.self.query.bias", true)]
    [InlineData("encoder.layer.0.attention.self.query.weight", false)]
    [InlineData("classifier.weight", false)]
    public void NoDecayOnBiasesAndLayerNorm(string name, bool noDecay) => Assert.Equal(noDecay, ParameterGroups.IsNoDecay(name));

    [Fact]
    public void ClearGradients_FreesGradientsAndStepsLikeZeroing()
    {
        // Two copies of the same weights: one trained with TorchSharp's zero_grad(), one with ClearGradients.
        Parameter Weight() => new(tensor(new[] { 0.5f, -1.0f, 2.0f }));
        var (zeroed, cleared, unused) = (Weight(), Weight(), Weight());
        using var zeroing = ParameterGroups.CreateAdamW([("w", zeroed)], 0.1, 0.01);
        using var clearing = ParameterGroups.CreateAdamW([("w", cleared), ("u", unused)], 0.1, 0.01);
        for (var step = 0; step < 3; step++)
        {
            zeroing.zero_grad();
            ParameterGroups.ClearGradients([cleared, unused]);
            Assert.Null(cleared.grad);
            (zeroed * zeroed * (step + 1)).sum().backward();
            (cleared * cleared * (step + 1)).sum().backward();
            zeroing.step();
            clearing.step();
        }
        Assert.Equal(zeroed.data<float>().ToArray(), cleared.data<float>().ToArray());
        // A parameter that got no gradient is skipped (no weight decay either), as in PyTorch.
        Assert.Equal(new[] { 0.5f, -1.0f, 2.0f }, unused.data<float>().ToArray());
    }

    sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
