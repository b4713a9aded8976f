namespace Locus.Retrieval.Index;

/// <summary>What a vector stands for: its text and where the text came from.</summary>
/// <param name="Key">Caller's key of the record (ingestion uses the row id).</param>
/// <param name="Text">The sentence or passage that was embedded.</param>
/// <param name="Source">File (or other source name) the text came from.</param>
/// <param name="Line">1-based line in <paramref name="Source"/> where the text starts; 0 when unknown.</param>
public sealed record VectorRecordMetadata(ulong Key, string Text, string Source, long Line);
