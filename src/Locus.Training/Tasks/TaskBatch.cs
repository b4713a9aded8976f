using Locus.Models.Encoders;
using static TorchSharp.torch;

namespace Locus.Training.Tasks;

/// <summary>
/// A padded batch of items as tensors: <c>input_ids</c>, <c>attention_mask</c>, <c>token_type_ids</c> [batch, seq]
/// (int64), and the labels: [batch, seq] int64 for token classification, [batch] int64 for single-label or
/// [batch, labels] float32 for multi-label classification, or none for unlabelled items.
/// </summary>
public sealed class TaskBatch : IDisposable
{
    internal TaskBatch(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, Tensor? labels, int realTokens)
    {
        InputIds = inputIds;
        AttentionMask = attentionMask;
        TokenTypeIds = tokenTypeIds;
        Labels = labels;
        RealTokens = realTokens;
    }

    /// <summary>Token ids [batch, seq], padded with the tokenizer's pad id.</summary>
    public Tensor InputIds { get; }

    /// <summary>1 for real tokens, 0 for padding [batch, seq].</summary>
    public Tensor AttentionMask { get; }

    /// <summary>Segment ids [batch, seq], 0 on padding.</summary>
    public Tensor TokenTypeIds { get; }

    /// <summary>The targets (see the class summary), padded with <see cref="TokenLabels.Ignore"/>; null when the items have none.</summary>
    public Tensor? Labels { get; }

    /// <summary>The number of items.</summary>
    public int Size => (int)InputIds.shape[0];

    /// <summary>The padded length.</summary>
    public int SequenceLength => (int)InputIds.shape[1];

    /// <summary>The number of real (unpadded) tokens.</summary>
    public int RealTokens { get; }

    /// <summary>Real tokens over all positions: 1 when no position is padding.</summary>
    public double PaddingEfficiency => Size * SequenceLength == 0 ? 1 : RealTokens / (double)(Size * SequenceLength);

    /// <summary>The encoder input for this batch (the tensors are shared, not copied).</summary>
    public EncoderInput ToEncoderInput() => new(InputIds, AttentionMask, TokenTypeIds);

    /// <inheritdoc />
    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
        TokenTypeIds.Dispose();
        Labels?.Dispose();
    }
}
