namespace Locus.Retrieval.Embeddings;

/// <summary>
/// Turns sentences into unit-length vectors whose dot product measures similarity. Implementations: the
/// <see cref="LexicalEncoder"/> (no model needed), the <see cref="TransformerSentenceEncoder"/> (mean/CLS pooling over
/// a Locus.Models transformer) and the <see cref="CachedSentenceEncoder"/> decorator.
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

    /// <summary>
    /// Encodes search queries into the same space as <see cref="EncodeAsync"/>'s passages. Asymmetric models
    /// (E5, BGE) give queries another prefix than passages; symmetric encoders keep this default.
    /// </summary>
    Task<float[][]> EncodeQueriesAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        EncodeAsync(texts, cancellationToken);
}
