namespace Locus.Models.Tokenization;

/// <summary>Options for <see cref="ITextTokenizer.Encode"/>, mirroring the Hugging Face tokenizer call arguments.</summary>
public sealed record EncodeOptions
{
    /// <summary>The defaults: special tokens on, no truncation, no padding.</summary>
    public static EncodeOptions Default { get; } = new();

    /// <summary>Wrap the text in the model's template (<c>[CLS] A [SEP] (B [SEP])</c>). Default true.</summary>
    public bool AddSpecialTokens { get; init; } = true;

    /// <summary>The maximum length in tokens, special tokens included (<c>max_length</c>); null for none.</summary>
    public int? MaxLength { get; init; }

    /// <summary>How to truncate to <see cref="MaxLength"/>. Default <see cref="TruncationStrategy.None"/>.</summary>
    public TruncationStrategy Truncation { get; init; } = TruncationStrategy.None;

    /// <summary>How many tokens each overflow window repeats from the end of the previous one (<c>stride</c>).</summary>
    public int Stride { get; init; }

    /// <summary>How to pad. Default <see cref="PaddingStrategy.None"/>.</summary>
    public PaddingStrategy Padding { get; init; } = PaddingStrategy.None;

    /// <summary>Options that truncate to <paramref name="maxLength"/> with <see cref="TruncationStrategy.LongestFirst"/>.</summary>
    public static EncodeOptions Truncated(int maxLength) =>
        new() { MaxLength = maxLength, Truncation = TruncationStrategy.LongestFirst };

    internal void Validate()
    {
        if (MaxLength is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxLength), MaxLength, "max_length must not be negative.");
        }

        if (Stride < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Stride), Stride, "stride must not be negative.");
        }

        if (MaxLength is null && (Truncation != TruncationStrategy.None || Padding == PaddingStrategy.MaxLength))
        {
            throw new ArgumentException($"Truncation {Truncation} / padding {Padding} needs MaxLength to be set.");
        }
    }
}
