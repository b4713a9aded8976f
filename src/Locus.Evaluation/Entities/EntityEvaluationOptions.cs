namespace Locus.Evaluation;

/// <summary>Options for entity-level evaluation of tag sequences.</summary>
public sealed class EntityEvaluationOptions
{
    /// <summary>
    /// <see cref="EntityEvaluationMode.Default"/> (seqeval's default) or <see cref="EntityEvaluationMode.Strict"/>.
    /// <see cref="EntityEvaluationMode.Spans"/> is for <see cref="EntityMetrics.EvaluateSpans"/> and is rejected here.
    /// </summary>
    public EntityEvaluationMode Mode { get; set; } = EntityEvaluationMode.Default;

    /// <summary>
    /// The scheme for strict mode. When null in strict mode it is detected from the gold tags as seqeval's
    /// <c>classification_report</c> does (see <see cref="TaggingSchemes.Detect"/>). Ignored in default mode.
    /// </summary>
    public TaggingScheme? Scheme { get; set; }

    /// <summary>Whether the prefix is written after the type (<c>PER-B</c>) instead of before it (<c>B-PER</c>).</summary>
    public bool Suffix { get; set; }

    /// <summary>The value of undefined precision or recall; the default warns, as seqeval does.</summary>
    public ZeroDivision ZeroDivision { get; set; } = ZeroDivision.Warn;
}
