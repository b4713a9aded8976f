namespace Locus.Evaluation;

/// <summary>The sufficient statistics of one label: how many items were correct, predicted and in the gold data.</summary>
internal readonly record struct LabelCounts(string Label, int Correct, int Predicted, int Support);
