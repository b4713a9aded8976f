namespace Locus.Training.Tasks;

/// <summary>A window of an NER text with one label id per token.</summary>
/// <param name="Window">The model input.</param>
/// <param name="Labels">
/// A BIO label id per token of the window, <see cref="TokenLabels.Ignore"/> where the loss skips it; null for a text
/// encoded without spans (inference).
/// </param>
public sealed record TokenClassificationItem(TextWindow Window, int[]? Labels) : IEncodedItem;
