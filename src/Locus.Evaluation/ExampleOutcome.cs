namespace Locus.Evaluation;

/// <summary>
/// How well one prediction answered one example, as a score in [0, 1] (the atlas's per-query correctness): entity F1 of
/// one sentence (strict span match; 1 when neither side has an entity), the correct label for single-label
/// classification, and the Jaccard overlap of the label sets for multi-label classification (1 when both are empty).
/// </summary>
public static class ExampleOutcome
{
    /// <summary>Strict entity F1 of one sentence.</summary>
    public static double EntityF1(IReadOnlyCollection<EntitySpan> gold, IReadOnlyCollection<EntitySpan> predicted)
    {
        if (gold.Count == 0 && predicted.Count == 0) return 1;
        var goldSet = gold.Select(s => (s.Start, s.End, s.Label)).ToHashSet();
        var predictedSet = predicted.Select(s => (s.Start, s.End, s.Label)).ToHashSet();
        var correct = predictedSet.Count(goldSet.Contains);
        return 2.0 * correct / (goldSet.Count + predictedSet.Count);
    }

    /// <summary>1 when the predicted label is the gold one, else 0.</summary>
    public static double Label(string gold, string predicted) => string.Equals(gold, predicted, StringComparison.Ordinal) ? 1 : 0;

    /// <summary>Jaccard overlap of the gold and predicted label sets.</summary>
    public static double Labels(IReadOnlyCollection<string> gold, IReadOnlyCollection<string> predicted)
    {
        var union = gold.Union(predicted, StringComparer.Ordinal).Count();
        return union == 0 ? 1 : (double)gold.Intersect(predicted, StringComparer.Ordinal).Count() / union;
    }
}
