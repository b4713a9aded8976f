namespace Locus.Retrieval.Embeddings;

/// <summary>Settings of the <see cref="LexicalEncoder"/>.</summary>
public sealed class LexicalEncoderOptions
{
    /// <summary>Vector length the hashed features are folded into. Default 512.</summary>
    public int Dimension { get; set; } = 512;

    /// <summary>Weight of word-bigram features relative to words. Default 0.5.</summary>
    public float BigramWeight { get; set; } = 0.5f;

    /// <summary>Weight of character-trigram features relative to words (0 turns them off). Default 0.5.</summary>
    public float CharTrigramWeight { get; set; } = 0.5f;
}
