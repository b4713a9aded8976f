namespace Locus.Retrieval.Ingestion;

/// <summary>Layout of a corpus file.</summary>
public enum CorpusFormat
{
    /// <summary>By extension: .jsonl/.ndjson JSON lines; .conll/.bio/.iob/.tsv token per line; anything else plain text.</summary>
    Auto,

    /// <summary>Plain text: each non-empty line is a document that is split into sentences.</summary>
    Text,

    /// <summary>One JSON object per line with a string field holding the document text.</summary>
    JsonLines,

    /// <summary>One token per line (first column), blank line between sentences; "-DOCSTART-" lines are skipped.</summary>
    Conll,
}
