namespace Locus.Atlas.Encoding;

/// <summary>
/// Maps a query to a fixed-size vector. Implementations: <see cref="LsaQueryEncoder"/> (TF-IDF + truncated
/// SVD of the text), <see cref="CollaborativeQueryEncoder"/> (truncated SVD of training models' correctness),
/// <see cref="SentenceQueryEncoder"/> (any sentence encoder of a corpus index, lexical or neural),
/// <see cref="PrecomputedQueryEncoder"/> (vectors read from a file); new kinds
/// implement this interface and register in <see cref="QueryEncoderStore"/>.
/// </summary>
public interface IQueryEncoder
{
    /// <summary>Stable name of the encoding kind (<c>lsa</c>, <c>collaborative</c>, <c>sentence</c>, <c>precomputed</c>); an atlas refuses to mix kinds.</summary>
    string Kind { get; }

    /// <summary>Length of every encoding vector.</summary>
    int Dimension { get; }

    /// <summary>Encodes one query; throws a <see cref="LocusException"/> when this encoder cannot (no text, unknown id).</summary>
    float[] Encode(string queryId, string? queryText);

    /// <summary>Writes the fitted state so <see cref="QueryEncoderStore.Load"/> can rebuild the encoder.</summary>
    void Save(BinaryWriter writer);
}
