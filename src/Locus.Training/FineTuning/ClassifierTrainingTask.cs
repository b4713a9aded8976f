using Locus.Models.Encoders;
using Locus.Training.Tasks;
using Locus.Training.Trainer;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Locus.Training.FineTuning;

/// <summary>
/// Fine-tuning of an <see cref="EncoderClassifier"/> as an <see cref="ITrainingTask"/>: length-bucketed batches of
/// encoded windows, the task's loss on the logits, and a dev metric computed by the caller's evaluator.
/// <para>
/// An "epoch" (the span between dev evaluations, early stopping and checkpoints) is at least
/// <c>minimumStepsPerEpoch</c> batches: with a few dozen examples one pass is two or three optimiser steps, and
/// epochs of a handful of steps would stop training (patience, epoch limits) long before the head and adapters
/// have learnt anything. Small sets therefore make several passes per epoch, each shuffled afresh.
/// </para>
/// </summary>
/// <typeparam name="TItem">The encoded window type (token or sequence classification).</typeparam>
public sealed class ClassifierTrainingTask<TItem> : ITrainingTask where TItem : IEncodedItem
{
    readonly EncoderClassifier model;
    readonly IReadOnlyList<TItem> items;
    readonly Func<IReadOnlyList<TItem>, TaskBatch> collate;
    readonly Func<Tensor, Tensor, Tensor> loss;
    readonly Func<CancellationToken, double> evaluateDev;
    readonly Action<bool> setTrainingMode;
    readonly LengthBucketedBatchSampler sampler;
    readonly int passes;
    int[][] batches = [];

    /// <summary>Creates the task; <paramref name="loss"/> maps (logits, labels) to a scalar.</summary>
    public ClassifierTrainingTask(EncoderClassifier model, IReadOnlyList<TItem> items, int batchSize,
        Func<IReadOnlyList<TItem>, TaskBatch> collate, Func<Tensor, Tensor, Tensor> loss,
        IReadOnlyList<(string Name, Parameter Parameter)> trainable, Action<bool> setTrainingMode, Func<CancellationToken, double> evaluateDev,
        int minimumStepsPerEpoch = 1)
    {
        this.model = model;
        this.items = items;
        this.collate = collate;
        this.loss = loss;
        this.setTrainingMode = setTrainingMode;
        this.evaluateDev = evaluateDev;
        TrainableParameters = trainable;
        sampler = new LengthBucketedBatchSampler(items.Select(i => i.Window.Length), batchSize);
        passes = sampler.BatchCount == 0 ? 1 : Math.Max(1, (minimumStepsPerEpoch + sampler.BatchCount - 1) / sampler.BatchCount);
    }

    /// <summary>Passes over the data per epoch (more than one for small sets, see the class remarks).</summary>
    public int PassesPerEpoch => passes;

    /// <inheritdoc />
    public int BatchesPerEpoch => sampler.BatchCount * passes;

    /// <inheritdoc />
    public IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters { get; }

    /// <inheritdoc />
    public nn.Module Model => model;

    /// <inheritdoc />
    public void SetTrainingMode(bool training) => setTrainingMode(training);

    /// <inheritdoc />
    public void ShuffleBatches(Random random) => batches = Enumerable.Range(0, passes).SelectMany(_ => sampler.Batches(random)).ToArray();

    /// <inheritdoc />
    public Tensor Loss(int index)
    {
        using var batch = collate(batches[index].Select(i => items[i]).ToList());
        var logits = model.call(batch.ToEncoderInput()).Logits;
        return loss(logits, batch.Labels ?? throw new InvalidOperationException("training items carry labels"));
    }

    /// <inheritdoc />
    public double EvaluateDev(CancellationToken cancellationToken) => evaluateDev(cancellationToken);

    /// <summary>Token classification: cross-entropy over tokens, ignoring label -100 (padding, special and continuation tokens).</summary>
    public static Tensor TokenLoss(Tensor logits, Tensor labels) =>
        nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), labels.reshape(-1), ignore_index: TokenLabels.Ignore);

    /// <summary>Single-label sequence classification: softmax cross-entropy.</summary>
    public static Tensor SingleLabelLoss(Tensor logits, Tensor labels) => nn.functional.cross_entropy(logits, labels);

    /// <summary>Multi-label sequence classification: a sigmoid and binary cross-entropy per label.</summary>
    public static Tensor MultiLabelLoss(Tensor logits, Tensor targets) => nn.functional.binary_cross_entropy_with_logits(logits, targets);
}
