using System.Text.Json.Serialization;

namespace Locus.Evaluation;

/// <summary>
/// A token tagging scheme for strict entity evaluation (seqeval's <c>seqeval.scheme</c> classes). In strict mode
/// only entities that are well formed in the scheme count; a tag with a prefix the scheme does not allow is an error.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<TaggingScheme>))]
public enum TaggingScheme
{
    /// <summary>IOB1 (original CoNLL-2003): I- inside, B- only to separate two adjacent entities of the same type.</summary>
    IOB1,

    /// <summary>IOB2: every entity starts with B-, continues with I- of the same type.</summary>
    IOB2,

    /// <summary>IOE2: every entity ends with E-, earlier tokens are I- of the same type.</summary>
    IOE2,

    /// <summary>IOBES: B- begin, I- inside, E- end, S- single-token entity.</summary>
    IOBES,

    /// <summary>BILOU: B- begin, I- inside, L- last, U- unit (single-token) entity.</summary>
    BILOU,
}
