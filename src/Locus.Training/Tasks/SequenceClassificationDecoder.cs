namespace Locus.Training.Tasks;

/// <summary>
/// Turns the logits of a text's windows into label probabilities and predictions. A text's probabilities are the
/// mean over its windows of each window's probabilities (softmax, or a sigmoid per label for multi-label): every
/// window sees part of the text, and averaging probabilities rather than logits keeps one over-confident window
/// from outvoting the rest.
/// </summary>
public sealed class SequenceClassificationDecoder
{
    /// <summary>The threshold every label has unless tuned.</summary>
    public const float DefaultThreshold = 0.5f;

    /// <summary>Creates a decoder.</summary>
    public SequenceClassificationDecoder(ClassLabelMap labels, bool multiLabel)
    {
        Labels = labels ?? throw new ArgumentNullException(nameof(labels));
        MultiLabel = multiLabel;
    }

    /// <summary>The labels the logits are over.</summary>
    public ClassLabelMap Labels { get; }

    /// <summary>Whether labels are independent (sigmoid) rather than exclusive (softmax).</summary>
    public bool MultiLabel { get; }

    /// <summary>The text's label probabilities from the logits [labels] of each of its windows.</summary>
    /// <exception cref="ArgumentException">No windows were given, or a window's logits have the wrong length.</exception>
    public float[] Probabilities(IReadOnlyList<ReadOnlyMemory<float>> windowLogits)
    {
        ArgumentNullException.ThrowIfNull(windowLogits);
        if (windowLogits.Count == 0) throw new ArgumentException("A text has at least one window, but no logits were given.", nameof(windowLogits));
        var count = Labels.Count;
        var sum = new double[count];
        for (var w = 0; w < windowLogits.Count; w++)
        {
            var logits = windowLogits[w].Span;
            if (logits.Length != count)
                throw new ArgumentException($"Window {w} has {logits.Length} logits but there are {count} labels.", nameof(windowLogits));
            if (MultiLabel)
            {
                for (var j = 0; j < count; j++) sum[j] += 1 / (1 + Math.Exp(-logits[j]));
                continue;
            }

            var max = logits[0];
            foreach (var logit in logits) max = Math.Max(max, logit);
            double total = 0;
            for (var j = 0; j < count; j++) total += Math.Exp(logits[j] - max);
            for (var j = 0; j < count; j++) sum[j] += Math.Exp(logits[j] - max) / total;
        }

        var probabilities = new float[count];
        for (var j = 0; j < count; j++) probabilities[j] = (float)(sum[j] / windowLogits.Count);
        return probabilities;
    }

    /// <summary>The most probable label (single-label) and its probability; ties go to the lower id.</summary>
    public static (int Label, float Probability) PredictSingle(ReadOnlySpan<float> probabilities)
    {
        if (probabilities.IsEmpty) throw new ArgumentException("There are no probabilities.", nameof(probabilities));
        var best = 0;
        for (var j = 1; j < probabilities.Length; j++)
        {
            if (probabilities[j] > probabilities[best]) best = j;
        }

        return (best, probabilities[best]);
    }

    /// <summary>
    /// The labels whose probability reaches their threshold (multi-label), in id order. <paramref name="thresholds"/>
    /// holds one per label; null means <see cref="DefaultThreshold"/> for all.
    /// </summary>
    public static int[] PredictMulti(ReadOnlySpan<float> probabilities, IReadOnlyList<float>? thresholds = null)
    {
        if (thresholds is not null && thresholds.Count != probabilities.Length)
            throw new ArgumentException($"{thresholds.Count} thresholds for {probabilities.Length} labels.", nameof(thresholds));
        var labels = new List<int>();
        for (var j = 0; j < probabilities.Length; j++)
        {
            if (probabilities[j] >= (thresholds?[j] ?? DefaultThreshold)) labels.Add(j);
        }

        return [.. labels];
    }
}
