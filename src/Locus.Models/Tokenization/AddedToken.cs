namespace Locus.Models.Tokenization;

/// <summary>A token matched literally in the text before normalisation (Hugging Face <c>AddedToken</c>).</summary>
/// <param name="Content">The exact text to match (case-sensitive).</param>
/// <param name="Id">Its id.</param>
/// <param name="Special">Whether it is a special token (skipped by decode with skipSpecialTokens).</param>
public sealed record AddedToken(string Content, int Id, bool Special);
