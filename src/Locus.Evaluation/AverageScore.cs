namespace Locus.Evaluation;

/// <summary>An averaged precision / recall / F1 (micro, macro or weighted) and the total gold support.</summary>
/// <param name="Precision">Averaged precision.</param>
/// <param name="Recall">Averaged recall.</param>
/// <param name="F1">Averaged F1 (for macro and weighted: the mean of per-label F1, not the F1 of the means).</param>
/// <param name="Support">Total number of gold items over all labels.</param>
public sealed record AverageScore(double Precision, double Recall, double F1, int Support);
