namespace Locus.Evaluation;

/// <summary>Single-label text-classification scores, as scikit-learn's <c>classification_report</c> gives them.</summary>
/// <param name="Accuracy">Fraction of examples whose predicted label equals the gold label.</param>
/// <param name="Count">Number of examples.</param>
/// <param name="PerLabel">Precision, recall, F1 and support per label, in label order.</param>
/// <param name="Macro">Unweighted mean over the labels (macro-F1 is <c>Macro.F1</c>).</param>
/// <param name="Weighted">Mean over the labels weighted by gold support.</param>
/// <param name="ConfusionMatrix">Gold x predicted counts over the same labels.</param>
/// <param name="Warnings">Scores that were undefined and set to the zero-division value.</param>
public sealed record ClassificationReport(
    double Accuracy,
    int Count,
    IReadOnlyList<LabelScore> PerLabel,
    AverageScore Macro,
    AverageScore Weighted,
    ConfusionMatrix ConfusionMatrix,
    IReadOnlyList<string> Warnings)
{
    /// <summary>scikit-learn's text table: a row per label, then "accuracy", "macro avg" and "weighted avg".</summary>
    /// <param name="digits">Digits after the decimal point (scikit-learn's default is 2).</param>
    public string ToText(int digits = 2)
    {
        var table = new ScoreTableWriter(PerLabel.Select(l => l.Label), digits);
        foreach (var l in PerLabel) table.Row(l.Label, l.Precision, l.Recall, l.F1, l.Support);
        table.Blank();
        table.AccuracyRow(Accuracy, Count);
        table.Row("macro avg", Macro.Precision, Macro.Recall, Macro.F1, Macro.Support);
        table.Row("weighted avg", Weighted.Precision, Weighted.Recall, Weighted.F1, Weighted.Support);
        return table.ToString();
    }
}
