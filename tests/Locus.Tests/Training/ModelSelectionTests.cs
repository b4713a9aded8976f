using Locus.Training.FineTuning;
using Locus.Training.Tasks;
using Locus.Training.Trainer;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Locus.Tests.Training;

/// <summary>
/// The selection rules that matter with a few dev examples: ties go to the later epoch, and with
/// <see cref="TrainerOptions.EvaluateBeforeTraining"/> the starting weights win unless an epoch reaches their score.
/// </summary>
public sealed class ModelSelectionTests
{
    /// <summary>One weight that every step moves by +1; the dev metric is read from a script, one value per evaluation.</summary>
    sealed class ScriptedTask(params double[] devScores) : ITrainingTask
    {
        readonly Parameter weight = new(zeros(1));
        int evaluations;

        public float Weight => weight.item<float>();
        public int BatchesPerEpoch => 1;
        public IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters => [("weight", weight)];
        public void SetTrainingMode(bool training) { }
        public void ShuffleBatches(Random random) { }
        public Tensor Loss(int index) => -weight.sum(); // Adam's first step moves the weight by ~lr, always upwards
        public double EvaluateDev(CancellationToken cancellationToken) => devScores[evaluations++];
    }

    static TrainerOptions Options(int epochs, bool evaluateFirst = false) =>
        new() { Epochs = epochs, LearningRate = 1, WarmupRatio = 0, WeightDecay = 0, MaxGradNorm = 0, Patience = 0, EvaluateBeforeTraining = evaluateFirst };

    [Fact]
    public void TiesGoToTheLaterEpoch()
    {
        var task = new ScriptedTask(0.5, 0.8, 0.8, 0.7);
        var result = new Trainer(Options(4)).Train(task);
        Assert.Equal(3, result.BestEpoch);
        Assert.Equal(0.8, result.BestDevMetric);
    }

    [Fact]
    public void TiesDoNotResetThePatience()
    {
        var task = new ScriptedTask(0.8, 0.8, 0.8, 0.8, 0.8);
        var options = Options(5);
        options.Patience = 2;
        var result = new Trainer(options).Train(task);
        Assert.Equal(3, result.EpochsRun); // the best came at epoch 1; epochs 2 and 3 only tied
        Assert.Equal(3, result.BestEpoch);
    }

    [Fact]
    public void StartingWeightsAreKeptWhenNoEpochReachesThem()
    {
        var task = new ScriptedTask(0.9, 0.6, 0.7, 0.8);
        var result = new Trainer(Options(3, evaluateFirst: true)).Train(task);
        Assert.Equal(0, result.BestEpoch);
        Assert.Equal(0.9, result.BestDevMetric);
        Assert.Equal(0f, task.Weight); // restored to the untrained value
    }

    [Fact]
    public void TheStartingScoreDoesNotCutTrainingShort()
    {
        var task = new ScriptedTask(0.9, 0.5, 0.6, 0.7, 0.8);
        var options = Options(4, evaluateFirst: true);
        options.Patience = 2;
        var result = new Trainer(options).Train(task);
        Assert.Equal(4, result.EpochsRun); // every epoch improved on the trained ones before it
        Assert.Equal(0, result.BestEpoch);
    }

    [Fact]
    public void AnEpochThatMatchesTheStartingScoreWins()
    {
        var task = new ScriptedTask(0.9, 0.6, 0.9);
        var result = new Trainer(Options(2, evaluateFirst: true)).Train(task);
        Assert.Equal(2, result.BestEpoch);
        Assert.NotEqual(0f, task.Weight);
    }

    [Theory]
    [InlineData(30, 8, 20, 5, 20)]   // 4 batches a pass: 5 passes make an epoch of 20 steps
    [InlineData(400, 8, 20, 1, 50)]  // 50 batches: one pass is already enough
    [InlineData(30, 8, 1, 1, 4)]     // 1: one pass per epoch, as before
    public void SmallSetsMakeSeveralPassesPerEpoch(int items, int batchSize, int minimumSteps, int passes, int batches)
    {
        var tokenizer = Locus.Models.Tokenization.TokenizerFactory.FromFolder(Locus.Tests.Tokenization.TokenizerFixtures.MiniLmFolder);
        var encoder = new SequenceClassificationEncoder(tokenizer, new ClassLabelMap(["a"]), new SequenceClassificationOptions());
        var encoded = encoder.EncodeAll(Enumerable.Range(0, items).Select(i => new Locus.Data.ClassificationExample($"text {i}", "a")).ToList()).SelectMany(e => e.Items).ToList();
        var task = new ClassifierTrainingTask<SequenceClassificationItem>(null!, encoded, batchSize, null!, null!, [], _ => { }, _ => 0, minimumSteps);
        Assert.Equal(passes, task.PassesPerEpoch);
        Assert.Equal(batches, task.BatchesPerEpoch);
        task.ShuffleBatches(new Random(1));
    }

    [Fact]
    public void LogisticRegressionSeparatesSeparableDataAndIsDeterministic()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { 1, 0, 0.9f, 0.1f, 0, 1, 0.1f, 0.9f, -1, 0, -0.9f, -0.1f }, [6, 2]);
        var y = tensor(new long[] { 0, 0, 1, 1, 2, 2 });
        var (w1, b1) = LogisticRegression.Fit(x, y, 3, multiLabel: false);
        var (w2, b2) = LogisticRegression.Fit(x, y, 3, multiLabel: false);
        Assert.True((x.matmul(w1.t()) + b1).argmax(1).eq(y).all().item<bool>());
        Assert.True(w1.eq(w2).all().item<bool>() && b1.eq(b2).all().item<bool>());
    }
}
