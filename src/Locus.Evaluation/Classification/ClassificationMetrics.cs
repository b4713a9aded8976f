namespace Locus.Evaluation;

/// <summary>
/// Single-label text-classification metrics with scikit-learn's definitions: accuracy, per-label
/// precision/recall/F1/support, macro-F1 (mean of per-label F1 over the labels in gold or predictions; a label
/// never predicted scores 0) and support-weighted F1, plus the confusion matrix.
/// </summary>
public static class ClassificationMetrics
{
    /// <summary>Scores predicted labels against gold labels.</summary>
    /// <param name="gold">Gold label per example.</param>
    /// <param name="predicted">Predicted label per example, same count.</param>
    /// <param name="options">Label order and zero-division policy; scikit-learn's defaults when null.</param>
    /// <exception cref="LocusException">No examples, counts differ, an empty label, or a label missing from the given list.</exception>
    public static ClassificationReport Evaluate(IReadOnlyList<string> gold, IReadOnlyList<string> predicted, ClassificationOptions? options = null)
    {
        options ??= new ClassificationOptions();
        CheckPairs(gold, predicted);
        if (gold.Count == 0) throw new LocusException("there are no examples to score");
        var matrix = ConfusionMatrix.Build(gold, predicted, options.Labels);
        var counts = matrix.Labels.Select((label, i) => new LabelCounts(
            label,
            matrix.Counts[i][i],
            matrix.Counts.Sum(row => row[i]),
            matrix.Counts[i].Sum())).ToList();
        var warnings = new List<string>();
        var scores = ScoreAggregator.Compute(counts, options.ZeroDivision, "samples", warnings);
        var accuracy = (double)counts.Sum(c => c.Correct) / gold.Count;
        return new ClassificationReport(accuracy, gold.Count, scores.PerLabel, scores.Macro, scores.Weighted, matrix, warnings);
    }

    /// <summary>Checks that gold and predictions pair up one to one and that no label is null or empty.</summary>
    internal static void CheckPairs(IReadOnlyList<string> gold, IReadOnlyList<string> predicted)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        if (gold.Count != predicted.Count)
            throw new LocusException($"gold has {gold.Count} examples but the predictions have {predicted.Count}");
        for (var e = 0; e < gold.Count; e++)
        {
            if (string.IsNullOrEmpty(gold[e])) throw new LocusException($"example {e}: the gold label is empty");
            if (string.IsNullOrEmpty(predicted[e])) throw new LocusException($"example {e}: the predicted label is empty");
        }
    }
}
