namespace Locus.Evaluation;

/// <summary>An entity as a character span of one example's text.</summary>
/// <param name="Start">Offset of the first character.</param>
/// <param name="End">Offset one past the last character (exclusive).</param>
/// <param name="Label">The entity type.</param>
public sealed record EntitySpan(int Start, int End, string Label);
