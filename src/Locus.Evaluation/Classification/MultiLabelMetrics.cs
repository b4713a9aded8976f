namespace Locus.Evaluation;

/// <summary>
/// Multi-label text-classification metrics: per-label and micro/macro/weighted precision, recall and F1, subset
/// accuracy and Hamming loss. Each example's labels are a set (duplicates count once).
/// </summary>
public static class MultiLabelMetrics
{
    /// <summary>Scores predicted label sets against gold label sets.</summary>
    /// <param name="gold">Gold labels per example (possibly none).</param>
    /// <param name="predicted">Predicted labels per example, same example count.</param>
    /// <param name="options">
    /// Label list and zero-division policy. The label list matters for the macro average and the Hamming loss:
    /// pass the task's full label set to count labels that never occur, as a fitted MultiLabelBinarizer would.
    /// </param>
    /// <exception cref="LocusException">No examples, counts differ, an empty label, or a label missing from the given list.</exception>
    public static MultiLabelReport Evaluate(
        IReadOnlyList<IReadOnlyCollection<string>> gold,
        IReadOnlyList<IReadOnlyCollection<string>> predicted,
        ClassificationOptions? options = null)
    {
        options ??= new ClassificationOptions();
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        if (gold.Count != predicted.Count)
            throw new LocusException($"gold has {gold.Count} examples but the predictions have {predicted.Count}");
        if (gold.Count == 0) throw new LocusException("there are no examples to score");
        var goldSets = ToSets(gold, "gold");
        var predictedSets = ToSets(predicted, "predicted");
        var labels = LabelSet.Resolve(options.Labels, goldSets.Concat(predictedSets).SelectMany(s => s));

        var counts = labels.Select(label => new LabelCounts(
            label,
            goldSets.Zip(predictedSets).Count(p => p.First.Contains(label) && p.Second.Contains(label)),
            predictedSets.Count(s => s.Contains(label)),
            goldSets.Count(s => s.Contains(label)))).ToList();
        var warnings = new List<string>();
        var scores = ScoreAggregator.Compute(counts, options.ZeroDivision, "samples", warnings);

        var exact = goldSets.Zip(predictedSets).Count(p => p.First.SetEquals(p.Second));
        var wrongCells = goldSets.Zip(predictedSets).Sum(p => p.First.Count + p.Second.Count - 2 * p.First.Count(p.Second.Contains));
        // With no labels at all every example is an exact (empty) match and no cell exists to be wrong.
        var hamming = labels.Count == 0 ? 0.0 : (double)wrongCells / ((double)gold.Count * labels.Count);
        return new MultiLabelReport((double)exact / gold.Count, hamming, gold.Count, scores.PerLabel, scores.Micro, scores.Macro, scores.Weighted, warnings);
    }

    private static List<HashSet<string>> ToSets(IReadOnlyList<IReadOnlyCollection<string>> examples, string side)
    {
        var sets = new List<HashSet<string>>(examples.Count);
        for (var e = 0; e < examples.Count; e++)
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            foreach (var label in examples[e])
            {
                if (string.IsNullOrEmpty(label)) throw new LocusException($"example {e}: a {side} label is empty");
                set.Add(label);
            }

            sets.Add(set);
        }

        return sets;
    }
}
