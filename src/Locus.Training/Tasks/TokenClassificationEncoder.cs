using Locus.Data;
using Locus.Models.Tokenization;

namespace Locus.Training.Tasks;

/// <summary>
/// Turns NER examples (character spans) into windows with one BIO label per labelling unit, for any tokenizer.
/// </summary>
/// <remarks>
/// A unit belongs to a span when it shares a character with it; the span's first unit gets <c>B-</c>, the others
/// <c>I-</c>. A span whose boundary falls inside a unit is still labelled (and so decodes slightly wider): it is
/// counted as <see cref="SpanOutcome.Misaligned"/>, never dropped silently. Spans are taken in order of start; one
/// overlapping an earlier span is counted as <see cref="SpanOutcome.Overlapping"/> and left out, since BIO cannot
/// nest entities.
/// </remarks>
public sealed class TokenClassificationEncoder
{
    private readonly ITextTokenizer _tokenizer;

    /// <summary>Creates an encoder.</summary>
    /// <exception cref="ArgumentException">The window settings leave no room for text with this tokenizer's template.</exception>
    public TokenClassificationEncoder(ITextTokenizer tokenizer, BioLabelMap labels, TokenClassificationOptions? options = null)
    {
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        Labels = labels ?? throw new ArgumentNullException(nameof(labels));
        Options = options ?? new TokenClassificationOptions();
        TokenizedText.Create(tokenizer, "", Options.Windows); // fails now, not on the first example, when the windows cannot work
    }

    /// <summary>The BIO labels.</summary>
    public BioLabelMap Labels { get; }

    /// <summary>The options.</summary>
    public TokenClassificationOptions Options { get; }

    /// <summary>Encodes a text without spans, for inference.</summary>
    public NerTextEncoding Encode(string text, int textIndex = 0)
    {
        var tokens = TokenizedText.Create(_tokenizer, text, Options.Windows, textIndex);
        var units = BuildUnits(tokens);
        var items = tokens.Windows.Select(w => new TokenClassificationItem(w, null)).ToArray();
        return new NerTextEncoding(tokens, units, null, items, []);
    }

    /// <summary>Encodes a labelled example into windows with token labels.</summary>
    /// <exception cref="LocusException">A span lies outside the text, is empty, or has a type the label map lacks.</exception>
    public NerTextEncoding Encode(NerExample example, int textIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(example);
        var tokens = TokenizedText.Create(_tokenizer, example.Text, Options.Windows, textIndex);
        var units = BuildUnits(tokens);
        var labels = new int[tokens.TokenCount];
        Array.Fill(labels, TokenLabels.Ignore);
        for (var u = 0; u < units.Count; u++) labels[units.FirstToken(u)] = Labels.OutsideId;
        var outcomes = LabelSpans(example, textIndex, units, labels);

        var items = new TokenClassificationItem[tokens.Windows.Count];
        for (var w = 0; w < items.Length; w++)
        {
            var window = tokens.Windows[w];
            var windowLabels = new int[window.Length];
            Array.Fill(windowLabels, TokenLabels.Ignore);
            labels.AsSpan(window.ContentStart, window.ContentLength).CopyTo(windowLabels.AsSpan(window.ContentPosition));
            items[w] = new TokenClassificationItem(window, windowLabels);
        }

        return new NerTextEncoding(tokens, units, labels, items, outcomes);
    }

    /// <summary>Encodes a data set; text indices are positions in <paramref name="examples"/>.</summary>
    public TokenClassificationDataset EncodeAll(IReadOnlyList<NerExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var texts = ParallelMap.Run(examples, (example, index) => Encode(example, index));
        return new TokenClassificationDataset(texts);
    }

    private LabelUnits BuildUnits(TokenizedText tokens) =>
        LabelUnits.Build(tokens, Options.LabelAllSubTokens, Options.SplitWordsAtPunctuation);

    private SpanOutcome[] LabelSpans(NerExample example, int textIndex, LabelUnits units, int[] labels)
    {
        var spans = example.Spans;
        var outcomes = new SpanOutcome[spans.Count];
        var order = new int[spans.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
            Check(example, textIndex, spans[i]);
        }

        Array.Sort(order, (a, b) => spans[a].Start != spans[b].Start ? spans[a].Start.CompareTo(spans[b].Start)
            : spans[a].End != spans[b].End ? spans[a].End.CompareTo(spans[b].End) : a.CompareTo(b));
        var taken = new bool[units.Count];
        var keptEnd = int.MinValue;
        foreach (var index in order)
        {
            var span = spans[index];
            if (span.Start < keptEnd)
            {
                outcomes[index] = SpanOutcome.Overlapping;
                continue;
            }

            keptEnd = span.End;
            var type = Labels.TypeIndexOf(span.Label)!.Value;
            int coveredStart = int.MaxValue, coveredEnd = int.MinValue, labelled = 0;
            for (var u = units.FirstNotBefore(span.Start); u < units.Count && units.CharStart(u) < span.End; u++)
            {
                if (taken[u] || !units.Overlaps(u, span.Start, span.End)) continue;
                taken[u] = true;
                labels[units.FirstToken(u)] = labelled++ == 0 ? Labels.BeginId(type) : Labels.InsideId(type);
                if (units.IsEmpty(u)) continue;
                coveredStart = Math.Min(coveredStart, units.CharStart(u));
                coveredEnd = Math.Max(coveredEnd, units.CharEnd(u));
            }

            outcomes[index] = coveredStart == int.MaxValue ? SpanOutcome.Unrepresentable
                : coveredStart == span.Start && coveredEnd == span.End ? SpanOutcome.Exact
                : SpanOutcome.Misaligned;
        }

        return outcomes;
    }

    private void Check(NerExample example, int textIndex, EntitySpan span)
    {
        var where = example.Id is null ? $"Example {textIndex}" : $"Example {textIndex} (id '{example.Id}')";
        if (span.Start < 0 || span.End > example.Text.Length || span.Start >= span.End)
            throw new LocusException($"{where}: span [{span.Start}, {span.End}) '{span.Label}' is empty or outside the text of length {example.Text.Length}.");
        if (Labels.TypeIndexOf(span.Label) is null)
            throw new LocusException($"{where}: entity type '{span.Label}' is not in the label map ({string.Join(", ", Labels.EntityTypes)}).");
    }
}
