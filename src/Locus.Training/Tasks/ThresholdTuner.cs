namespace Locus.Training.Tasks;

/// <summary>Per-label decision thresholds tuned on dev data, with the dev F1 each reaches.</summary>
/// <param name="Thresholds">One threshold per label: predict the label when its probability is at least this.</param>
/// <param name="F1">Each label's dev F1 at its threshold; NaN for a label with no positive dev example.</param>
public sealed record TunedThresholds(float[] Thresholds, double[] F1);

/// <summary>
/// Tunes multi-label thresholds: for each label independently, the threshold that maximises that label's F1 on dev
/// data (which also maximises macro-F1). The search is exact: every cut between two distinct dev probabilities is
/// tried, and the threshold is put halfway between them (below the lowest: half of it), so it does not sit on a dev
/// example. Among equally good cuts the one nearest <see cref="SequenceClassificationDecoder.DefaultThreshold"/>
/// wins; a label with no positive dev example keeps the default, since the dev data says nothing about it.
/// </summary>
public static class ThresholdTuner
{
    /// <summary>Tunes thresholds from dev <paramref name="probabilities"/> and multi-hot <paramref name="targets"/> (one row per text).</summary>
    /// <exception cref="ArgumentException">The rows differ in number or width.</exception>
    public static TunedThresholds Tune(IReadOnlyList<float[]> probabilities, IReadOnlyList<float[]> targets)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(targets);
        if (probabilities.Count != targets.Count)
            throw new ArgumentException($"{probabilities.Count} probability rows but {targets.Count} target rows.", nameof(targets));
        if (probabilities.Count == 0) throw new ArgumentException("Threshold tuning needs dev examples.", nameof(probabilities));
        var labelCount = probabilities[0].Length;
        for (var i = 0; i < probabilities.Count; i++)
        {
            if (probabilities[i].Length != labelCount || targets[i].Length != labelCount)
                throw new ArgumentException($"Row {i} does not have {labelCount} probabilities and targets.", nameof(probabilities));
        }

        var thresholds = new float[labelCount];
        var f1 = new double[labelCount];
        var column = new (float P, bool Gold)[probabilities.Count];
        for (var j = 0; j < labelCount; j++)
        {
            for (var i = 0; i < column.Length; i++) column[i] = (probabilities[i][j], targets[i][j] > 0.5f);
            (thresholds[j], f1[j]) = TuneLabel(column);
        }

        return new TunedThresholds(thresholds, f1);
    }

    private static (float Threshold, double F1) TuneLabel((float P, bool Gold)[] column)
    {
        var positives = column.Count(c => c.Gold);
        if (positives == 0) return (SequenceClassificationDecoder.DefaultThreshold, double.NaN);
        Array.Sort(column, (a, b) => b.P.CompareTo(a.P));

        // Predicting the top k as positive: F1 = 2·TP / (2·TP + FP + FN) = 2·TP / (TP + FP + positives).
        float bestThreshold = SequenceClassificationDecoder.DefaultThreshold;
        double bestF1 = -1;
        var truePositives = 0;
        for (var k = 1; k <= column.Length; k++)
        {
            if (column[k - 1].Gold) truePositives++;
            if (k < column.Length && column[k].P == column[k - 1].P) continue; // a cut cannot split equal probabilities
            var f1 = 2.0 * truePositives / (k + positives);
            var threshold = k < column.Length ? Between(column[k].P, column[k - 1].P) : column[k - 1].P / 2;
            var nearer = Math.Abs(threshold - SequenceClassificationDecoder.DefaultThreshold) < Math.Abs(bestThreshold - SequenceClassificationDecoder.DefaultThreshold);
            if (f1 > bestF1 || (f1 == bestF1 && nearer)) (bestThreshold, bestF1) = (threshold, f1);
        }

        return (bestThreshold, bestF1);
    }

    // Halfway between two probabilities, strictly above the lower one even when they are neighbouring floats.
    private static float Between(float lower, float upper)
    {
        var middle = (float)(((double)lower + upper) / 2);
        return middle > lower ? middle : MathF.BitIncrement(lower);
    }
}
