namespace Locus.Models.Tokenization;

/// <summary>How to pad encodings (Hugging Face's <c>padding</c>).</summary>
public enum PaddingStrategy
{
    /// <summary>No padding.</summary>
    None,

    /// <summary>Pad every encoding of a batch to the longest one (<c>padding="longest"</c>).</summary>
    Longest,

    /// <summary>Pad every encoding to <see cref="EncodeOptions.MaxLength"/> (<c>padding="max_length"</c>).</summary>
    MaxLength,
}
