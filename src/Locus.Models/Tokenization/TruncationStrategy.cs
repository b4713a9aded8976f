namespace Locus.Models.Tokenization;

/// <summary>How to shorten an input longer than <see cref="EncodeOptions.MaxLength"/> (Hugging Face's <c>truncation</c>).</summary>
public enum TruncationStrategy
{
    /// <summary>Never truncate; <see cref="EncodeOptions.MaxLength"/> then only drives padding.</summary>
    None,

    /// <summary>Shorten the longer of the two texts first (<c>longest_first</c>).</summary>
    LongestFirst,

    /// <summary>Shorten only the first text (<c>only_first</c>).</summary>
    OnlyFirst,

    /// <summary>Shorten only the second text of a pair (<c>only_second</c>).</summary>
    OnlySecond,
}
