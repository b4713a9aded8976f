namespace Locus.Training.Tasks;

/// <summary>An NER text ready for the model: its tokens and windows, labelling units, labels and what became of its spans.</summary>
public sealed class NerTextEncoding
{
    internal NerTextEncoding(TokenizedText tokens, LabelUnits units, int[]? tokenLabels, IReadOnlyList<TokenClassificationItem> items,
        IReadOnlyList<SpanOutcome> spanOutcomes)
    {
        Tokens = tokens;
        Units = units;
        TokenLabels = tokenLabels;
        Items = items;
        SpanOutcomes = spanOutcomes;
        Alignment = SpanAlignment.Of(spanOutcomes);
    }

    /// <summary>The tokenised text and its windows.</summary>
    public TokenizedText Tokens { get; }

    /// <summary>The words or tokens that carry one label each.</summary>
    public LabelUnits Units { get; }

    /// <summary>A label id per text token (the whole text, before windowing); null when encoded without spans.</summary>
    public int[]? TokenLabels { get; }

    /// <summary>One item per window, in window order.</summary>
    public IReadOnlyList<TokenClassificationItem> Items { get; }

    /// <summary>What became of each span, in the order of the example's spans (empty without spans).</summary>
    public IReadOnlyList<SpanOutcome> SpanOutcomes { get; }

    /// <summary>The counts of <see cref="SpanOutcomes"/>.</summary>
    public SpanAlignment Alignment { get; }
}
