namespace Locus.Atlas;

/// <summary>One model placed in the atlas.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Embedding">The embedding z.</param>
/// <param name="EvaluationCount">How many evaluations the embedding was computed from.</param>
/// <param name="MeanCost">Mean cost per query, when the evaluations carried costs.</param>
/// <param name="Origin"><c>training</c> for models the atlas was trained on, <c>added</c> for models embedded afterwards.</param>
public sealed record AtlasModelEntry(string Name, float[] Embedding, int EvaluationCount, double? MeanCost, string Origin);
