namespace Locus.Data;

/// <summary>An entity mention: <c>Text[Start..End]</c> has type <see cref="Label"/>; <see cref="End"/> is exclusive.</summary>
/// <param name="Start">Index of the first character (UTF-16 code unit) of the mention.</param>
/// <param name="End">Index one past the last character of the mention.</param>
/// <param name="Label">The entity type, e.g. <c>PER</c>.</param>
public readonly record struct EntitySpan(int Start, int End, string Label)
{
    /// <summary>Number of characters covered.</summary>
    public int Length => End - Start;

    /// <summary>Whether the two spans share at least one character.</summary>
    public bool Overlaps(EntitySpan other) => Start < other.End && other.Start < End;
}

/// <summary>A text with its entity mentions. Spans are not required to be valid: see <see cref="ExampleValidator"/>.</summary>
/// <param name="Text">The original text.</param>
/// <param name="Spans">The entity mentions, in the order they were read.</param>
public sealed record NerExample(string Text, IReadOnlyList<EntitySpan> Spans) : Example(Text)
{
    /// <inheritdoc />
    public override DataTask Task => DataTask.Ner;

    /// <summary>The text each span covers, for display and tests; requires valid spans.</summary>
    public string SpanText(EntitySpan span) => Text[span.Start..span.End];
}
