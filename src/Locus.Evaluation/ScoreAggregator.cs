namespace Locus.Evaluation;

/// <summary>
/// Turns per-label counts into precision, recall and F1 the way seqeval's and scikit-learn's
/// <c>precision_recall_fscore_support</c> do: a zero denominator yields the <see cref="ZeroDivision"/> value,
/// F1 is 0 when precision + recall is 0, macro is the unweighted mean over the labels, weighted uses the gold
/// support as weights, micro pools the counts.
/// </summary>
internal static class ScoreAggregator
{
    /// <param name="counts">One entry per label, in report order.</param>
    /// <param name="zeroDivision">Value (and warning policy) for undefined ratios.</param>
    /// <param name="itemNoun">What is counted, for warnings ("entities", "samples").</param>
    /// <param name="warnings">Receives one line per undefined score when <paramref name="zeroDivision"/> is <see cref="ZeroDivision.Warn"/>.</param>
    public static ScoreSet Compute(IReadOnlyList<LabelCounts> counts, ZeroDivision zeroDivision, string itemNoun, ICollection<string> warnings)
    {
        var zeroValue = zeroDivision == ZeroDivision.One ? 1.0 : 0.0;
        var perLabel = counts.Select(c => Score(c, zeroValue)).ToList();

        if (zeroDivision == ZeroDivision.Warn)
        {
            AddWarning(warnings, counts.Where(c => c.Predicted == 0), $"precision is ill-defined and set to 0 for labels with no predicted {itemNoun}");
            AddWarning(warnings, counts.Where(c => c.Support == 0), $"recall is ill-defined and set to 0 for labels with no gold {itemNoun}");
        }

        var total = new LabelCounts("micro", counts.Sum(c => c.Correct), counts.Sum(c => c.Predicted), counts.Sum(c => c.Support));
        var microScore = Score(total, zeroValue);
        if (zeroDivision == ZeroDivision.Warn)
        {
            if (total.Predicted == 0) warnings.Add($"micro precision is ill-defined and set to 0: there are no predicted {itemNoun}");
            if (total.Support == 0) warnings.Add($"micro recall is ill-defined and set to 0: there are no gold {itemNoun}");
        }

        var micro = new AverageScore(microScore.Precision, microScore.Recall, microScore.F1, total.Support);
        return new ScoreSet(perLabel, micro, Macro(perLabel, total.Support, zeroValue, zeroDivision, warnings), Weighted(perLabel, total, zeroValue));
    }

    private static LabelScore Score(LabelCounts c, double zeroValue)
    {
        var precision = c.Predicted == 0 ? zeroValue : (double)c.Correct / c.Predicted;
        var recall = c.Support == 0 ? zeroValue : (double)c.Correct / c.Support;
        var f1 = precision + recall == 0 ? 0.0 : 2 * precision * recall / (precision + recall);
        return new LabelScore(c.Label, precision, recall, f1, c.Support, c.Predicted, c.Correct);
    }

    private static AverageScore Macro(IReadOnlyList<LabelScore> perLabel, int support, double zeroValue, ZeroDivision zeroDivision, ICollection<string> warnings)
    {
        if (perLabel.Count == 0)
        {
            // numpy's mean of an empty array is NaN (seqeval returns it with a RuntimeWarning); NaN cannot go
            // into JSON run records, so the zero-division value stands in and the report says so.
            if (zeroDivision == ZeroDivision.Warn) warnings.Add("macro average is undefined (no labels in gold or predictions) and set to 0");
            return new AverageScore(zeroValue, zeroValue, zeroValue, support);
        }

        return new AverageScore(perLabel.Average(s => s.Precision), perLabel.Average(s => s.Recall), perLabel.Average(s => s.F1), support);
    }

    private static AverageScore Weighted(IReadOnlyList<LabelScore> perLabel, LabelCounts total, double zeroValue)
    {
        if (total.Support == 0)
        {
            // Same special case as the libraries: with no gold items, precision and F1 are the zero-division
            // value only when nothing was predicted either (otherwise 0); recall is the zero-division value.
            var precisionOrF1 = total.Predicted == 0 ? zeroValue : 0.0;
            return new AverageScore(precisionOrF1, zeroValue, precisionOrF1, 0);
        }

        double Mean(Func<LabelScore, double> pick) => perLabel.Sum(s => pick(s) * s.Support) / total.Support;
        return new AverageScore(Mean(s => s.Precision), Mean(s => s.Recall), Mean(s => s.F1), total.Support);
    }

    private static void AddWarning(ICollection<string> warnings, IEnumerable<LabelCounts> affected, string message)
    {
        var labels = affected.Select(c => c.Label).ToList();
        if (labels.Count > 0) warnings.Add($"{message}: {string.Join(", ", labels)}");
    }
}
