namespace Locus.Data;

/// <summary>Why a tag sequence is not valid in its scheme: the offending token and the reason.</summary>
/// <param name="TokenIndex">0-based index of the token whose tag is at fault.</param>
/// <param name="Problem">What is wrong.</param>
public sealed record TagSequenceError(int TokenIndex, string Problem);
