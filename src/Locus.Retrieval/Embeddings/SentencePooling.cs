namespace Locus.Retrieval.Embeddings;

/// <summary>How a transformer's token vectors become one sentence vector.</summary>
public enum SentencePooling
{
    /// <summary>Average of the last hidden state over the real (attention-masked) tokens, special tokens included, as sentence-transformers' mean pooling (E5, MiniLM, GTE).</summary>
    Mean,

    /// <summary>The last hidden state of the first token ([CLS]), as BGE and DPR-style models expect.</summary>
    Cls,
}
