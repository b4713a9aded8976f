namespace Locus.Models.Tokenization;

/// <summary>
/// A token's span <c>[Start, End)</c> in the original text, in UTF-16 code units (C# string indices).
/// Special and padding tokens have <c>(0, 0)</c>, as in Hugging Face.
/// </summary>
/// <param name="Start">Index of the first character the token came from.</param>
/// <param name="End">Index just past the last character the token came from.</param>
public readonly record struct TokenOffset(int Start, int End)
{
    /// <summary>The number of UTF-16 code units the span covers.</summary>
    public int Length => End - Start;
}
