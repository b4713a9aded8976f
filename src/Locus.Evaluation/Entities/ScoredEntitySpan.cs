using System.Text.Json.Serialization;

namespace Locus.Evaluation;

/// <summary>A predicted entity span with the model's confidence in it, for calibration over entities.</summary>
/// <param name="Start">Offset of the first character.</param>
/// <param name="End">Offset one past the last character (exclusive).</param>
/// <param name="Label">The predicted entity type.</param>
/// <param name="Confidence">The model's probability that this entity is correct, in [0, 1].</param>
public sealed record ScoredEntitySpan(int Start, int End, string Label, double Confidence)
{
    /// <summary>The span without its confidence.</summary>
    [JsonIgnore]
    public EntitySpan Span => new(Start, End, Label);
}
