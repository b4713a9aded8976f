namespace Locus.Evaluation;

/// <summary>
/// Entity-level scores, as seqeval's <c>classification_report</c> computes them: one row per entity type found in
/// the gold data or the predictions (sorted ordinally), then micro, macro and weighted averages.
/// </summary>
/// <param name="Mode">How entities were read.</param>
/// <param name="Scheme">The tagging scheme in strict mode; null otherwise.</param>
/// <param name="PerType">Scores per entity type, sorted by type name (ordinal).</param>
/// <param name="Micro">Pooled counts over all types (the usual "entity F1").</param>
/// <param name="Macro">Unweighted mean over the types in <paramref name="PerType"/>.</param>
/// <param name="Weighted">Mean over the types weighted by gold support.</param>
/// <param name="TokenAccuracy">seqeval's <c>accuracy_score</c> over all tokens; null for spans or when there are no tokens.</param>
/// <param name="Warnings">Undefined scores set to the zero-division value, and tags seqeval would warn about.</param>
public sealed record EntityReport(
    EntityEvaluationMode Mode,
    TaggingScheme? Scheme,
    IReadOnlyList<LabelScore> PerType,
    AverageScore Micro,
    AverageScore Macro,
    AverageScore Weighted,
    double? TokenAccuracy,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Number of gold entities.</summary>
    public int GoldEntities => Micro.Support;

    /// <summary>Number of predicted entities.</summary>
    public int PredictedEntities => PerType.Sum(t => t.Predicted);

    /// <summary>Number of predicted entities that match a gold entity exactly.</summary>
    public int CorrectEntities => PerType.Sum(t => t.Correct);

    /// <summary>
    /// The text table of seqeval's <c>classification_report</c>: header, one row per type, a blank line, then
    /// "micro avg", "macro avg" and "weighted avg". (seqeval fails on data with no entities; this prints the averages only.)
    /// </summary>
    /// <param name="digits">Digits after the decimal point (seqeval's default is 2).</param>
    public string ToText(int digits = 2)
    {
        var table = new ScoreTableWriter(PerType.Select(t => t.Label), digits);
        foreach (var t in PerType) table.Row(t.Label, t.Precision, t.Recall, t.F1, t.Support);
        table.Blank();
        table.Row("micro avg", Micro.Precision, Micro.Recall, Micro.F1, Micro.Support);
        table.Row("macro avg", Macro.Precision, Macro.Recall, Macro.F1, Macro.Support);
        table.Row("weighted avg", Weighted.Precision, Weighted.Recall, Weighted.F1, Weighted.Support);
        return table.ToString();
    }
}
