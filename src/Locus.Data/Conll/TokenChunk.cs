namespace Locus.Data;

/// <summary>An entity over whole tokens: tokens <c>[Start, End)</c> of a sentence have type <see cref="Label"/>.</summary>
/// <param name="Start">Index of the first token.</param>
/// <param name="End">Index one past the last token.</param>
/// <param name="Label">The entity type.</param>
public readonly record struct TokenChunk(int Start, int End, string Label);
