namespace Locus.Evaluation;

/// <summary>
/// Entity-level precision, recall and F1 over tag sequences (exactly as seqeval computes them, default or strict
/// mode) or over character spans, plus seqeval's token accuracy.
/// </summary>
public static class EntityMetrics
{
    /// <summary>Scores predicted tag sequences against gold ones.</summary>
    /// <param name="gold">Gold tags, one sequence per sentence.</param>
    /// <param name="predicted">Predicted tags, the same number of sentences with the same lengths.</param>
    /// <param name="options">Mode, scheme, suffix and zero-division policy; seqeval's defaults when null.</param>
    /// <exception cref="LocusException">Sentence counts or lengths differ, a tag is empty, or (strict) a tag is invalid in the scheme.</exception>
    public static EntityReport Evaluate(IReadOnlyList<IReadOnlyList<string>> gold, IReadOnlyList<IReadOnlyList<string>> predicted, EntityEvaluationOptions? options = null)
    {
        options ??= new EntityEvaluationOptions();
        CheckSameShape(gold, predicted);
        var warnings = new List<string>();
        List<EntityKey> goldEntities, predictedEntities;
        TaggingScheme? scheme = null;
        switch (options.Mode)
        {
            case EntityEvaluationMode.Default:
                var unprefixed = new SortedSet<string>(StringComparer.Ordinal);
                goldEntities = ConllChunker.Chunk(gold, options.Suffix, unprefixed);
                predictedEntities = ConllChunker.Chunk(predicted, options.Suffix, unprefixed);
                if (unprefixed.Count > 0)
                    warnings.Add($"tags without a B-/I-/E-/S- prefix were read as prefix letter + type, as seqeval does: {string.Join(", ", unprefixed)}");
                break;
            case EntityEvaluationMode.Strict:
                scheme = options.Scheme ?? TaggingSchemes.Detect(gold, options.Suffix);
                goldEntities = StrictChunker.Chunk(gold, scheme.Value, options.Suffix);
                predictedEntities = StrictChunker.Chunk(predicted, scheme.Value, options.Suffix);
                break;
            default:
                throw new ArgumentException($"mode {options.Mode} is not for tag sequences; use {nameof(EvaluateSpans)} for spans", nameof(options));
        }

        var scores = Score(goldEntities, predictedEntities, options.ZeroDivision, warnings);
        var tokenCount = gold.Sum(s => s.Count);
        double? accuracy = tokenCount == 0 ? null : TokenAccuracy(gold, predicted);
        return new EntityReport(options.Mode, scheme, scores.PerLabel, scores.Micro, scores.Macro, scores.Weighted, accuracy, warnings);
    }

    /// <summary>
    /// Scores predicted character spans against gold spans with exact matching of (start, end, label) per example:
    /// the same strict entity-level precision, recall and F1. Duplicate spans within an example count once.
    /// </summary>
    /// <param name="gold">Gold spans, one collection per example.</param>
    /// <param name="predicted">Predicted spans, one collection per example, same example count.</param>
    /// <param name="zeroDivision">Value of undefined scores.</param>
    /// <exception cref="LocusException">Example counts differ, or a span has negative start, end not after start, or an empty label.</exception>
    public static EntityReport EvaluateSpans(
        IReadOnlyList<IReadOnlyCollection<EntitySpan>> gold,
        IReadOnlyList<IReadOnlyCollection<EntitySpan>> predicted,
        ZeroDivision zeroDivision = ZeroDivision.Warn)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        if (gold.Count != predicted.Count)
            throw new LocusException($"gold has {gold.Count} examples but the predictions have {predicted.Count}");
        var warnings = new List<string>();
        var scores = Score(SpanKeys(gold, "gold"), SpanKeys(predicted, "predicted"), zeroDivision, warnings);
        return new EntityReport(EntityEvaluationMode.Spans, null, scores.PerLabel, scores.Micro, scores.Macro, scores.Weighted, null, warnings);
    }

    /// <summary>seqeval's <c>accuracy_score</c>: the fraction of tokens whose predicted tag equals the gold tag.</summary>
    /// <exception cref="LocusException">Shapes differ, or there are no tokens at all.</exception>
    public static double TokenAccuracy(IReadOnlyList<IReadOnlyList<string>> gold, IReadOnlyList<IReadOnlyList<string>> predicted)
    {
        CheckSameShape(gold, predicted);
        var total = 0;
        var correct = 0;
        for (var s = 0; s < gold.Count; s++)
        {
            for (var t = 0; t < gold[s].Count; t++)
            {
                total++;
                if (string.Equals(gold[s][t], predicted[s][t], StringComparison.Ordinal)) correct++;
            }
        }

        if (total == 0) throw new LocusException("token accuracy is undefined: the gold data has no tokens");
        return (double)correct / total;
    }

    /// <summary>
    /// Marks each predicted span as correct or not (an exact (start, end, label) match with a gold span of the same
    /// example), giving the (confidence, correct) pairs for <see cref="CalibrationMetrics.Compute(IReadOnlyList{double}, IReadOnlyList{bool}, CalibrationOptions?)"/>.
    /// </summary>
    /// <exception cref="LocusException">Example counts differ, or a span is malformed.</exception>
    public static (double[] Confidences, bool[] Correct) MatchScoredSpans(
        IReadOnlyList<IReadOnlyCollection<EntitySpan>> gold,
        IReadOnlyList<IReadOnlyCollection<ScoredEntitySpan>> predicted)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        if (gold.Count != predicted.Count)
            throw new LocusException($"gold has {gold.Count} examples but the predictions have {predicted.Count}");
        var goldKeys = SpanKeys(gold, "gold").ToHashSet();
        var confidences = new List<double>();
        var correct = new List<bool>();
        for (var e = 0; e < predicted.Count; e++)
        {
            foreach (var p in predicted[e])
            {
                CheckSpan(p.Span, e, "predicted");
                confidences.Add(p.Confidence);
                correct.Add(goldKeys.Contains(new EntityKey(e, p.Start, p.End, p.Label)));
            }
        }

        return (confidences.ToArray(), correct.ToArray());
    }

    private static ScoreSet Score(List<EntityKey> gold, List<EntityKey> predicted, ZeroDivision zeroDivision, List<string> warnings)
    {
        var goldByType = ByType(gold);
        var predictedByType = ByType(predicted);
        var types = goldByType.Keys.Union(predictedByType.Keys).Order(StringComparer.Ordinal);
        var empty = new HashSet<EntityKey>();
        var counts = types.Select(type =>
        {
            var g = goldByType.GetValueOrDefault(type, empty);
            var p = predictedByType.GetValueOrDefault(type, empty);
            return new LabelCounts(type, p.Count(g.Contains), p.Count, g.Count);
        }).ToList();
        return ScoreAggregator.Compute(counts, zeroDivision, "entities", warnings);
    }

    private static Dictionary<string, HashSet<EntityKey>> ByType(List<EntityKey> entities)
    {
        var byType = new Dictionary<string, HashSet<EntityKey>>(StringComparer.Ordinal);
        foreach (var entity in entities)
        {
            if (!byType.TryGetValue(entity.Type, out var set)) byType[entity.Type] = set = [];
            set.Add(entity);
        }

        return byType;
    }

    private static List<EntityKey> SpanKeys(IReadOnlyList<IReadOnlyCollection<EntitySpan>> examples, string side)
    {
        var keys = new List<EntityKey>();
        for (var e = 0; e < examples.Count; e++)
        {
            foreach (var span in examples[e])
            {
                CheckSpan(span, e, side);
                keys.Add(new EntityKey(e, span.Start, span.End, span.Label));
            }
        }

        return keys;
    }

    private static void CheckSpan(EntitySpan span, int example, string side)
    {
        if (span.Start < 0 || span.End <= span.Start)
            throw new LocusException($"example {example}: {side} span [{span.Start}, {span.End}) is empty or negative");
        if (string.IsNullOrEmpty(span.Label))
            throw new LocusException($"example {example}: {side} span [{span.Start}, {span.End}) has no label");
    }

    private static void CheckSameShape(IReadOnlyList<IReadOnlyList<string>> gold, IReadOnlyList<IReadOnlyList<string>> predicted)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        if (gold.Count != predicted.Count)
            throw new LocusException($"gold has {gold.Count} sentences but the predictions have {predicted.Count}");
        for (var s = 0; s < gold.Count; s++)
        {
            if (gold[s].Count != predicted[s].Count)
                throw new LocusException($"sentence {s}: gold has {gold[s].Count} tags but the prediction has {predicted[s].Count}");
        }
    }
}
