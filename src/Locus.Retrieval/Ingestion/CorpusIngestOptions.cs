using Locus.Retrieval.Index;

namespace Locus.Retrieval.Ingestion;

/// <summary>Settings of <see cref="CorpusIngestor"/>.</summary>
public sealed class CorpusIngestOptions
{
    /// <summary>Input layout; default: by file extension.</summary>
    public CorpusFormat Format { get; set; } = CorpusFormat.Auto;

    /// <summary>JSON field holding the text in JSON-lines input. Default "text".</summary>
    public string TextField { get; set; } = "text";

    /// <summary>Sentences encoded and added per batch. Default 512.</summary>
    public int BatchSize { get; set; } = 512;

    /// <summary>Sentences added between checkpoints (index save + checkpoint file). Default 100,000.</summary>
    public int CheckpointInterval { get; set; } = 100_000;

    /// <summary>Word-bigram Jaccard similarity at which a sentence is a near duplicate; 0 turns near-duplicate removal off. Default 0.7.</summary>
    public double NearDuplicateThreshold { get; set; } = 0.7;

    /// <summary>Sentences shorter than this many characters are skipped (counted, not indexed). Default 3.</summary>
    public int MinSentenceLength { get; set; } = 3;

    /// <summary>Storage and HNSW parameters of a newly created index (an existing index keeps its own).</summary>
    public VectorIndexOptions Index { get; set; } = new();
}
