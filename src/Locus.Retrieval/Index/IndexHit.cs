namespace Locus.Retrieval.Index;

/// <summary>A search result with its metadata.</summary>
/// <param name="Row">Row id in the index.</param>
/// <param name="Score">Cosine similarity with the query.</param>
/// <param name="Metadata">Text, source and key of the row.</param>
public sealed record IndexHit(int Row, float Score, VectorRecordMetadata Metadata);
