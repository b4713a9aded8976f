namespace Locus.Data;

/// <summary>
/// A text with one label, or (when <see cref="IsMultiLabel"/>) a set of labels, possibly empty.
/// The distinction is kept so that <c>{"label": ...}</c> and <c>{"labels": [...]}</c> round-trip.
/// </summary>
public sealed record ClassificationExample : Example
{
    /// <summary>Creates a single-label example.</summary>
    public ClassificationExample(string text, string label) : base(text)
    {
        Labels = [label];
        IsMultiLabel = false;
    }

    /// <summary>Creates a multi-label example.</summary>
    public ClassificationExample(string text, IReadOnlyList<string> labels) : base(text)
    {
        Labels = labels;
        IsMultiLabel = true;
    }

    /// <summary>The labels: exactly one unless <see cref="IsMultiLabel"/>.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Whether the example was written with a label list rather than one label.</summary>
    public bool IsMultiLabel { get; }

    /// <summary>The single label; throws for multi-label examples, whose labels are in <see cref="Labels"/>.</summary>
    public string Label => IsMultiLabel
        ? throw new InvalidOperationException("A multi-label example has no single label; use Labels.")
        : Labels[0];

    /// <inheritdoc />
    public override DataTask Task => DataTask.Classification;
}
