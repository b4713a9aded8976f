namespace Locus.Evaluation;

/// <summary>Precision, recall and F1 of one label (an entity type or a class), with the counts behind them.</summary>
/// <param name="Label">The entity type or class label.</param>
/// <param name="Precision">Correct / predicted, or the zero-division value when nothing was predicted.</param>
/// <param name="Recall">Correct / support, or the zero-division value when the gold data has none.</param>
/// <param name="F1">Harmonic mean of <paramref name="Precision"/> and <paramref name="Recall"/>; 0 when both are 0.</param>
/// <param name="Support">Number of gold items with this label.</param>
/// <param name="Predicted">Number of predicted items with this label.</param>
/// <param name="Correct">Number of predicted items that match a gold item exactly.</param>
public sealed record LabelScore(string Label, double Precision, double Recall, double F1, int Support, int Predicted, int Correct);
