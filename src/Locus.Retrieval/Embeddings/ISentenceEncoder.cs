namespace Locus.Retrieval.Embeddings;

/// <summary>
/// Turns sentences into unit-length vectors whose dot product measures similarity. Implementations: the
/// <see cref="LexicalEncoder"/> (no model needed), the <see cref="CachedSentenceEncoder"/> decorator; a neural
/// encoder (mean/CLS pooling over a Locus.Models transformer) plugs in here by implementing this interface.
/// </summary>
public interface ISentenceEncoder
{
    /// <summary>
    /// Identifies the model and every setting that changes its vectors (indexes and caches are keyed by it, so
    /// two encoders with the same id must produce the same vectors).
    /// </summary>
    string ModelId { get; }

    /// <summary>Length of every vector.</summary>
    int Dimension { get; }

    /// <summary>Encodes a batch; result[i] is the L2-normalised vector of texts[i] (all zeros only for text with no features).</summary>
    Task<float[][]> EncodeAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);
}
