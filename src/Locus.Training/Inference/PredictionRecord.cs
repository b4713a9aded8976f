namespace Locus.Training.Inference;

/// <summary>An entity found in a text: character offsets into the original text, its label, its text and a confidence.</summary>
/// <param name="Start">First character (inclusive).</param>
/// <param name="End">Last character (exclusive).</param>
/// <param name="Label">The entity type.</param>
/// <param name="Text">The covered text, <c>text[Start..End]</c>.</param>
/// <param name="Confidence">The span's confidence in [0, 1], rounded to 4 decimals.</param>
public sealed record PredictedSpan(int Start, int End, string Label, string Text, double Confidence);

/// <summary>
/// What a model says about one text, as <c>locus predict</c> writes it and <c>locus serve</c> answers it: entity spans
/// (NER), or the chosen label (labels for multi-label models), its confidence and every label's probability.
/// Members that do not apply to the model's task are null.
/// </summary>
/// <param name="Text">The input text.</param>
/// <param name="Spans">NER: the entities in text order.</param>
/// <param name="Label">Single-label classification: the chosen label.</param>
/// <param name="Labels">Multi-label classification: the chosen labels.</param>
/// <param name="Confidence">Classification: the probability of the choice (multi-label: the lowest chosen one).</param>
/// <param name="Probabilities">Classification: every label's probability, in the model's label order, rounded to 4 decimals.</param>
public sealed record PredictionRecord(
    string Text,
    IReadOnlyList<PredictedSpan>? Spans = null,
    string? Label = null,
    IReadOnlyList<string>? Labels = null,
    double? Confidence = null,
    IReadOnlyDictionary<string, double>? Probabilities = null);
