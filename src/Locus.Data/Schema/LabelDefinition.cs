namespace Locus.Data;

/// <summary>One label of a schema.</summary>
/// <param name="Name">The label as it appears in the data (<c>PER</c>, <c>card_arrival</c>).</param>
/// <param name="Description">What the label means in plain words; the synthesis prompts quote it. Optional.</param>
public sealed record LabelDefinition(string Name, string? Description = null);
