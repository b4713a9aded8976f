namespace Locus.Evaluation;

/// <summary>
/// One bin of a reliability diagram: the predictions whose confidence lies in (<paramref name="Lower"/>,
/// <paramref name="Upper"/>] (the first bin also takes confidence 0).
/// </summary>
/// <param name="Lower">Lower edge of the bin.</param>
/// <param name="Upper">Upper edge of the bin.</param>
/// <param name="Count">Number of predictions in the bin.</param>
/// <param name="MeanConfidence">Mean confidence of those predictions; 0 for an empty bin.</param>
/// <param name="Accuracy">Fraction of those predictions that were correct; 0 for an empty bin.</param>
public sealed record ReliabilityBin(double Lower, double Upper, int Count, double MeanConfidence, double Accuracy);
