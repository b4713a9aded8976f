using System.Text.Json.Serialization;

namespace Locus.Evaluation;

/// <summary>How entities are read from the data before they are matched.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EntityEvaluationMode>))]
public enum EntityEvaluationMode
{
    /// <summary>
    /// seqeval's default, conlleval-compatible chunking: lenient, an I- tag after O or after a tag of another
    /// type starts a new entity, and B-/I-/E-/S- prefixes are all understood.
    /// </summary>
    Default,

    /// <summary>seqeval's <c>mode="strict"</c> with a <see cref="TaggingScheme"/>: only well-formed entities count.</summary>
    Strict,

    /// <summary>Entities given directly as character spans; exact (start, end, label) matches count.</summary>
    Spans,
}
