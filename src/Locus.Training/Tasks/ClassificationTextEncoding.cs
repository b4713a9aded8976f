namespace Locus.Training.Tasks;

/// <summary>A classification text ready for the model: its windows and its target.</summary>
public sealed class ClassificationTextEncoding
{
    internal ClassificationTextEncoding(TokenizedText tokens, int label, float[]? targets, IReadOnlyList<SequenceClassificationItem> items)
    {
        Tokens = tokens;
        Label = label;
        Targets = targets;
        Items = items;
    }

    /// <summary>The tokenised text and its windows.</summary>
    public TokenizedText Tokens { get; }

    /// <summary>The class index (single-label); <see cref="TokenLabels.Ignore"/> when multi-label or unlabelled.</summary>
    public int Label { get; }

    /// <summary>The multi-hot targets (multi-label); null otherwise.</summary>
    public float[]? Targets { get; }

    /// <summary>
    /// One item per window, in window order. In training every window of a long text carries the text's target:
    /// the label is assumed to show in each part, the usual choice when documents outgrow the encoder.
    /// </summary>
    public IReadOnlyList<SequenceClassificationItem> Items { get; }
}
