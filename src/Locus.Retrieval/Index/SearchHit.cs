namespace Locus.Retrieval.Index;

/// <summary>One search result: the row id and its cosine similarity (dot product of unit vectors) with the query.</summary>
/// <param name="Id">Row id in the index.</param>
/// <param name="Score">Similarity, higher is closer.</param>
public readonly record struct SearchHit(int Id, float Score);
