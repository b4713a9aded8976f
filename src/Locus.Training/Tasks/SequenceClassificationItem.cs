namespace Locus.Training.Tasks;

/// <summary>A window of a classification text with the text's target.</summary>
/// <param name="Window">The model input.</param>
/// <param name="Label">The class index (single-label); <see cref="TokenLabels.Ignore"/> for multi-label or unlabelled items.</param>
/// <param name="Targets">The multi-hot targets, one per label (multi-label); null otherwise.</param>
public sealed record SequenceClassificationItem(TextWindow Window, int Label, float[]? Targets) : IEncodedItem;
