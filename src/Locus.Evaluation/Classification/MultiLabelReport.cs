namespace Locus.Evaluation;

/// <summary>Multi-label text-classification scores (scikit-learn's definitions on a label-indicator matrix).</summary>
/// <param name="SubsetAccuracy">Fraction of examples whose predicted label set equals the gold set exactly.</param>
/// <param name="HammingLoss">Fraction of (example, label) cells that are wrong, over all examples and all labels in <paramref name="PerLabel"/>.</param>
/// <param name="Count">Number of examples.</param>
/// <param name="PerLabel">Precision, recall, F1 and support per label, in label order.</param>
/// <param name="Micro">Counts pooled over all labels (micro-F1 is <c>Micro.F1</c>).</param>
/// <param name="Macro">Unweighted mean over the labels.</param>
/// <param name="Weighted">Mean over the labels weighted by gold support.</param>
/// <param name="Warnings">Scores that were undefined and set to the zero-division value.</param>
public sealed record MultiLabelReport(
    double SubsetAccuracy,
    double HammingLoss,
    int Count,
    IReadOnlyList<LabelScore> PerLabel,
    AverageScore Micro,
    AverageScore Macro,
    AverageScore Weighted,
    IReadOnlyList<string> Warnings)
{
    /// <summary>scikit-learn's multi-label text table: a row per label, then "micro avg", "macro avg" and "weighted avg".</summary>
    /// <param name="digits">Digits after the decimal point.</param>
    public string ToText(int digits = 2)
    {
        var table = new ScoreTableWriter(PerLabel.Select(l => l.Label), digits);
        foreach (var l in PerLabel) table.Row(l.Label, l.Precision, l.Recall, l.F1, l.Support);
        table.Blank();
        table.Row("micro avg", Micro.Precision, Micro.Recall, Micro.F1, Micro.Support);
        table.Row("macro avg", Macro.Precision, Macro.Recall, Macro.F1, Macro.Support);
        table.Row("weighted avg", Weighted.Precision, Weighted.Recall, Weighted.F1, Weighted.Support);
        return table.ToString();
    }
}
