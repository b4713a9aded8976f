using Locus.Models.Tokenization;
using static TorchSharp.torch;

namespace Locus.Training.Tasks;

/// <summary>Pads a list of items to the longest among them and stacks them into a <see cref="TaskBatch"/>.</summary>
public sealed class BatchCollator
{
    /// <summary>Creates a collator that pads <c>input_ids</c> with <paramref name="padTokenId"/>.</summary>
    public BatchCollator(int padTokenId) => PadTokenId = padTokenId;

    /// <summary>The id written into padded positions of <c>input_ids</c>.</summary>
    public int PadTokenId { get; }

    /// <summary>A collator padding with the tokenizer's pad token.</summary>
    /// <exception cref="LocusException">The tokenizer has no pad token.</exception>
    public static BatchCollator For(ITextTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return new BatchCollator(tokenizer.PadTokenId
            ?? throw new LocusException("The tokenizer has no pad token, so batches cannot be padded; set pad_token in tokenizer_config.json."));
    }

    /// <summary>Collates token-classification items: labels [batch, seq], padding and missing labels <see cref="TokenLabels.Ignore"/>.</summary>
    public TaskBatch Collate(IReadOnlyList<TokenClassificationItem> items)
    {
        var (ids, mask, types, length, real) = Inputs(items);
        Tensor? labels = null;
        if (items.Any(i => i.Labels is not null))
        {
            var values = new long[items.Count * length];
            Array.Fill(values, TokenLabels.Ignore);
            for (var b = 0; b < items.Count; b++)
            {
                if (items[b].Labels is not { } row) continue;
                for (var t = 0; t < row.Length; t++) values[b * length + t] = row[t];
            }

            labels = tensor(values, [items.Count, length]);
        }

        return new TaskBatch(ids, mask, types, labels, real);
    }

    /// <summary>
    /// Collates sequence-classification items: class indices [batch] when they are single-label, multi-hot float
    /// targets [batch, labels] when they carry targets, no labels when they have neither.
    /// </summary>
    /// <exception cref="ArgumentException">The items mix single- and multi-label targets or target widths.</exception>
    public TaskBatch Collate(IReadOnlyList<SequenceClassificationItem> items)
    {
        var (ids, mask, types, _, real) = Inputs(items);
        Tensor? labels = null;
        if (items.Count > 0 && items[0].Targets is { } first)
        {
            var values = new float[items.Count * first.Length];
            for (var b = 0; b < items.Count; b++)
            {
                if (items[b].Targets is not { } row || row.Length != first.Length)
                    throw new ArgumentException($"Item {b} has no targets of width {first.Length}, unlike item 0.", nameof(items));
                row.CopyTo(values, b * first.Length);
            }

            labels = tensor(values, [items.Count, first.Length]);
        }
        else if (items.Any(i => i.Label != TokenLabels.Ignore))
        {
            var values = new long[items.Count];
            for (var b = 0; b < items.Count; b++)
            {
                if (items[b].Targets is not null) throw new ArgumentException($"Item {b} has multi-label targets, unlike item 0.", nameof(items));
                values[b] = items[b].Label;
            }

            labels = tensor(values, [items.Count]);
        }

        return new TaskBatch(ids, mask, types, labels, real);
    }

    private (Tensor Ids, Tensor Mask, Tensor Types, int Length, int Real) Inputs<T>(IReadOnlyList<T> items) where T : IEncodedItem
    {
        ArgumentNullException.ThrowIfNull(items);
        int length = 0, real = 0;
        foreach (var item in items)
        {
            length = Math.Max(length, item.Window.Length);
            real += item.Window.Length;
        }

        var ids = new long[items.Count * length];
        var mask = new long[ids.Length];
        var types = new long[ids.Length];
        Array.Fill(ids, PadTokenId);
        for (var b = 0; b < items.Count; b++)
        {
            var window = items[b].Window;
            var row = b * length;
            for (var t = 0; t < window.Length; t++)
            {
                ids[row + t] = window.InputIds[t];
                mask[row + t] = 1;
                types[row + t] = window.TokenTypeIds[t];
            }
        }

        long[] shape = [items.Count, length];
        return (tensor(ids, shape), tensor(mask, shape), tensor(types, shape), length, real);
    }
}
