using static TorchSharp.torch;

namespace Locus.Training.Tasks;

/// <summary>
/// Collects the logits of windows as batches come out of the model, in whatever order the batches were drawn,
/// and hands each text's windows back in window order for decoding.
/// </summary>
public sealed class WindowLogits
{
    private readonly ReadOnlyMemory<float>?[][] _byText;

    /// <summary>Prepares storage for texts with the given window counts (index = text index).</summary>
    public WindowLogits(IEnumerable<int> windowCounts)
    {
        ArgumentNullException.ThrowIfNull(windowCounts);
        _byText = windowCounts.Select(n => new ReadOnlyMemory<float>?[n]).ToArray();
    }

    /// <summary>
    /// Stores the logits of one batch: <paramref name="logits"/> is [batch, ...] with row b belonging to
    /// <paramref name="items"/>[b] ([batch, seq, labels] for tokens, [batch, labels] for sequences). The tensor is
    /// copied to the CPU once, as float32.
    /// </summary>
    public void Add<T>(IReadOnlyList<T> items, Tensor logits) where T : IEncodedItem
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.shape.Length == 0 || logits.shape[0] != items.Count)
            throw new ArgumentException($"The logits have shape [{string.Join(", ", logits.shape)}] but the batch has {items.Count} items.", nameof(logits));
        float[] flat;
        using (NewDisposeScope())
        {
            flat = logits.detach().to(CPU).to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        }

        var rowLength = items.Count == 0 ? 0 : flat.Length / items.Count;
        for (var b = 0; b < items.Count; b++)
        {
            var window = items[b].Window;
            _byText[window.TextIndex][window.WindowIndex] = flat.AsMemory(b * rowLength, rowLength);
        }
    }

    /// <summary>The logits of every window of text <paramref name="textIndex"/>, in window order.</summary>
    /// <exception cref="InvalidOperationException">A window of the text has not been added.</exception>
    public IReadOnlyList<ReadOnlyMemory<float>> Of(int textIndex)
    {
        var windows = _byText[textIndex];
        var result = new ReadOnlyMemory<float>[windows.Length];
        for (var w = 0; w < windows.Length; w++)
            result[w] = windows[w] ?? throw new InvalidOperationException($"Window {w} of text {textIndex} has no logits yet.");
        return result;
    }
}
