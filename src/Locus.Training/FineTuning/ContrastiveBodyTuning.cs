using Locus.Models.Encoders;
using Locus.Training.Tasks;
using Locus.Training.Trainer;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Locus.Training.FineTuning;

/// <summary>
/// SetFit's first stage (Tunstall et al. 2022) as a training task: the encoder is tuned so that the cosine of two
/// texts' sentence vectors approaches 1 for texts of the same label and 0 otherwise (mean squared error), on pairs
/// drawn from the few labelled examples. With ~10 examples per label this moves the embedding space towards the task
/// while the pairs (n·k of them, not n) keep the encoder from memorising a handful of texts.
/// <para>
/// The dev metric refits the linear head on the training examples' current features and scores the dev examples,
/// so each epoch is judged by what the final classifier would do with it.
/// </para>
/// </summary>
public sealed class ContrastiveBodyTuning : ITrainingTask
{
    readonly ILinearHeadClassifier classifier;
    readonly IReadOnlyList<SequenceClassificationItem> items;
    readonly (int A, int B, float Target)[] pairs;
    readonly int batchSize;
    readonly Func<IReadOnlyList<SequenceClassificationItem>, TaskBatch> collate;
    readonly Action<bool> setTrainingMode;
    readonly Func<CancellationToken, double> evaluateDev;
    int[] order = [];

    /// <summary>
    /// Draws about <paramref name="pairsPerEpoch"/> pairs, the same number for every training item (at least 2: one with
    /// an item of the same label, one with an item of another label, alternately), deterministically from
    /// <paramref name="seed"/>; with many items a random subset of <paramref name="pairsPerEpoch"/> is kept.
    /// </summary>
    public ContrastiveBodyTuning(ILinearHeadClassifier classifier, IReadOnlyList<SequenceClassificationItem> items, int pairsPerEpoch, int batchSize, int seed,
        Func<IReadOnlyList<SequenceClassificationItem>, TaskBatch> collate, IReadOnlyList<(string Name, Parameter Parameter)> trainable,
        Action<bool> setTrainingMode, Func<CancellationToken, double> evaluateDev)
    {
        this.classifier = classifier;
        this.items = items;
        this.batchSize = batchSize;
        this.collate = collate;
        this.setTrainingMode = setTrainingMode;
        this.evaluateDev = evaluateDev;
        TrainableParameters = trainable;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pairsPerEpoch);
        pairs = DrawPairs(items.Select(i => i.Label).ToArray(), pairsPerEpoch, seed);
    }

    /// <summary>The pairs: indices into the items and the target cosine (1 same label, 0 different).</summary>
    public IReadOnlyList<(int A, int B, float Target)> Pairs => pairs;

    /// <inheritdoc />
    public int BatchesPerEpoch => (pairs.Length + batchSize - 1) / batchSize;

    /// <inheritdoc />
    public IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters { get; }

    /// <inheritdoc />
    public nn.Module? Model => classifier as nn.Module;

    /// <inheritdoc />
    public void SetTrainingMode(bool training) => setTrainingMode(training);

    /// <inheritdoc />
    public void ShuffleBatches(Random random)
    {
        order = Enumerable.Range(0, pairs.Length).ToArray();
        random.Shuffle(order);
    }

    /// <inheritdoc />
    public Tensor Loss(int index)
    {
        var members = order.Skip(index * batchSize).Take(batchSize).Select(i => pairs[i]).ToList();
        // Both sides in one padded forward pass: [a_1..a_n, b_1..b_n].
        using var batch = collate([.. members.Select(p => items[p.A]), .. members.Select(p => items[p.B])]);
        var features = classifier.Features(batch.ToEncoderInput());                              // [2n, H], unit length
        var n = members.Count;
        var cosine = (features.narrow(0, 0, n) * features.narrow(0, n, n)).sum(1);               // [n]
        return nn.functional.mse_loss(cosine, tensor(members.Select(p => p.Target).ToArray()));
    }

    /// <inheritdoc />
    public double EvaluateDev(CancellationToken cancellationToken) => evaluateDev(cancellationToken);

    static (int, int, float)[] DrawPairs(int[] labels, int pairsPerEpoch, int seed)
    {
        var random = new Random(seed);
        var pairsPerExample = Math.Max(2, (pairsPerEpoch + labels.Length - 1) / Math.Max(1, labels.Length));
        var byLabel = Enumerable.Range(0, labels.Length).GroupBy(i => labels[i]).ToDictionary(g => g.Key, g => g.ToArray());
        var pairs = new List<(int, int, float)>();
        for (var i = 0; i < labels.Length; i++)
        {
            var same = byLabel[labels[i]].Where(j => j != i).ToArray();
            for (var k = 0; k < pairsPerExample; k++)
            {
                if (k % 2 == 0 && same.Length > 0) pairs.Add((i, same[random.Next(same.Length)], 1f));
                else if (byLabel.Count > 1)
                {
                    int j;
                    do j = random.Next(labels.Length); while (labels[j] == labels[i]);
                    pairs.Add((i, j, 0f));
                }
            }
        }
        var drawn = pairs.ToArray();
        if (drawn.Length <= pairsPerEpoch) return drawn;
        random.Shuffle(drawn);
        return drawn[..pairsPerEpoch];
    }
}
