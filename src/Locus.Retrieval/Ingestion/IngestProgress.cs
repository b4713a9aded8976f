namespace Locus.Retrieval.Ingestion;

/// <summary>Counters of an ingestion run, reported after every batch and returned at the end.</summary>
/// <param name="LinesConsumed">Input lines read over all files (what a resume skips).</param>
/// <param name="SentencesSeen">Sentences produced by reading and splitting.</param>
/// <param name="SentencesAdded">Sentences encoded and added to the index in this run.</param>
/// <param name="ExactDuplicates">Sentences dropped as exact copies.</param>
/// <param name="NearDuplicates">Sentences dropped as near copies.</param>
/// <param name="TooShort">Sentences skipped for being shorter than the minimum length.</param>
/// <param name="IndexCount">Rows in the index.</param>
/// <param name="Elapsed">Time spent in this run.</param>
public sealed record IngestProgress(
    long LinesConsumed,
    long SentencesSeen,
    long SentencesAdded,
    long ExactDuplicates,
    long NearDuplicates,
    long TooShort,
    int IndexCount,
    TimeSpan Elapsed);
