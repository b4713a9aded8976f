namespace Locus.Atlas.Data;

/// <summary>One evaluation result: how well <paramref name="Model"/> answered one query.</summary>
/// <param name="Model">Name of the evaluated model.</param>
/// <param name="QueryId">Identifier of the query (unique within a data set).</param>
/// <param name="Score">Correctness: 0 or 1, or a graded value in [0, 1].</param>
/// <param name="QueryText">The query text, when known (needed for text-based query encodings).</param>
/// <param name="Cost">Cost of answering the query with this model (any unit, non-negative), when known.</param>
public sealed record EvaluationRecord(string Model, string QueryId, double Score, string? QueryText = null, double? Cost = null);
