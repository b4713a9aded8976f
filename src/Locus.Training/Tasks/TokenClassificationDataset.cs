namespace Locus.Training.Tasks;

/// <summary>An encoded NER data set: every text, and all their windows as one list of items.</summary>
public sealed class TokenClassificationDataset
{
    internal TokenClassificationDataset(IReadOnlyList<NerTextEncoding> texts)
    {
        Texts = texts;
        Items = texts.SelectMany(t => t.Items).ToArray();
        Alignment = texts.Aggregate(default(SpanAlignment), (sum, t) => sum + t.Alignment);
    }

    /// <summary>The encoded texts, by text index.</summary>
    public IReadOnlyList<NerTextEncoding> Texts { get; }

    /// <summary>Every window of every text, in text then window order.</summary>
    public IReadOnlyList<TokenClassificationItem> Items { get; }

    /// <summary>What became of the spans, summed over the texts.</summary>
    public SpanAlignment Alignment { get; }
}
