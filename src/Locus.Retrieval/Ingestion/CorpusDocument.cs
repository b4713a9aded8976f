namespace Locus.Retrieval.Ingestion;

/// <summary>One document read from a corpus file.</summary>
/// <param name="Text">The document text (a CoNLL sentence is joined with spaces).</param>
/// <param name="Source">The file it came from.</param>
/// <param name="Line">1-based line where it starts.</param>
/// <param name="LinesConsumed">Input lines read so far over all files, this document included; a checkpoint value.</param>
/// <param name="IsSentence">True when the format already gives one sentence per document (CoNLL), so no splitting is needed.</param>
public sealed record CorpusDocument(string Text, string Source, long Line, long LinesConsumed, bool IsSentence);
