namespace Locus.Training.Tasks;

/// <summary>What became of one entity span when its text was turned into token labels.</summary>
public enum SpanOutcome
{
    /// <summary>Its boundaries fall on unit boundaries: decoding its labels gives the span back exactly.</summary>
    Exact,

    /// <summary>
    /// A boundary falls inside a token (or, when labelling words, inside a word): the span labels every unit it
    /// overlaps, so it decodes to a slightly wider span.
    /// </summary>
    Misaligned,

    /// <summary>It overlaps an earlier span (nested or crossing entities), which BIO cannot express; it is not labelled.</summary>
    Overlapping,

    /// <summary>
    /// It covers no unit of its own: only whitespace or characters the tokenizer dropped, or only units an adjacent
    /// span already took. It is not labelled.
    /// </summary>
    Unrepresentable,
}

/// <summary>Counts of <see cref="SpanOutcome"/>s over one text or a whole data set.</summary>
/// <param name="Exact">Spans that round-trip exactly.</param>
/// <param name="Misaligned">Spans labelled, but wider than written because a boundary splits a token or word.</param>
/// <param name="Overlapping">Spans not labelled because they overlap an earlier one.</param>
/// <param name="Unrepresentable">Spans not labelled because no unit is left for them.</param>
public readonly record struct SpanAlignment(int Exact, int Misaligned, int Overlapping, int Unrepresentable)
{
    /// <summary>All spans counted.</summary>
    public int Total => Exact + Misaligned + Overlapping + Unrepresentable;

    /// <summary>Spans that received labels (exactly or widened).</summary>
    public int Labelled => Exact + Misaligned;

    /// <summary>Counts the outcomes of one text's spans.</summary>
    public static SpanAlignment Of(IEnumerable<SpanOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        int exact = 0, misaligned = 0, overlapping = 0, unrepresentable = 0;
        foreach (var outcome in outcomes)
        {
            switch (outcome)
            {
                case SpanOutcome.Exact: exact++; break;
                case SpanOutcome.Misaligned: misaligned++; break;
                case SpanOutcome.Overlapping: overlapping++; break;
                default: unrepresentable++; break;
            }
        }

        return new SpanAlignment(exact, misaligned, overlapping, unrepresentable);
    }

    /// <summary>Adds two sets of counts.</summary>
    public static SpanAlignment operator +(SpanAlignment a, SpanAlignment b) =>
        new(a.Exact + b.Exact, a.Misaligned + b.Misaligned, a.Overlapping + b.Overlapping, a.Unrepresentable + b.Unrepresentable);
}
