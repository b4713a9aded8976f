namespace Locus.Evaluation;

/// <summary>A tag prefix; a set of them is a bitwise combination.</summary>
[Flags]
internal enum Prefix
{
    None = 0,
    I = 1,
    O = 2,
    B = 4,
    E = 8,
    S = 16,
    U = 32,
    L = 64,
    Any = I | O | B | E | S | U | L,
}

/// <summary>Whether two consecutive tokens must have the same entity type, a different one, or either.</summary>
internal enum TypeRelation
{
    Any,
    Same,
    Different,
}

/// <summary>One transition rule: a previous token with a prefix in <see cref="Previous"/> followed by one in <see cref="Current"/>.</summary>
internal readonly record struct TransitionPattern(Prefix Previous, Prefix Current, TypeRelation Relation);

/// <summary>
/// The transition tables of seqeval's strict-mode scheme classes: which (previous, current) token pairs start
/// an entity, continue it, or close it (the previous token being the entity's last).
/// </summary>
internal sealed class SchemeRules
{
    private SchemeRules(Prefix allowed, TransitionPattern[] start, TransitionPattern[] inside, TransitionPattern[] end)
    {
        Allowed = allowed;
        StartPatterns = start;
        InsidePatterns = inside;
        EndPatterns = end;
    }

    /// <summary>The prefixes a tag may have in this scheme.</summary>
    public Prefix Allowed { get; }

    private TransitionPattern[] StartPatterns { get; }

    private TransitionPattern[] InsidePatterns { get; }

    private TransitionPattern[] EndPatterns { get; }

    /// <summary>Whether <paramref name="current"/> starts an entity after <paramref name="previous"/>.</summary>
    public bool IsStart(SchemeToken previous, SchemeToken current) => Matches(StartPatterns, previous, current);

    /// <summary>Whether <paramref name="current"/> continues the entity that <paramref name="previous"/> belongs to.</summary>
    public bool IsInside(SchemeToken previous, SchemeToken current) => Matches(InsidePatterns, previous, current);

    /// <summary>Whether <paramref name="previous"/> properly closes an entity, given the token after it.</summary>
    public bool IsEnd(SchemeToken previous, SchemeToken current) => Matches(EndPatterns, previous, current);

    /// <summary>The rules of a scheme.</summary>
    public static SchemeRules For(TaggingScheme scheme) => scheme switch
    {
        TaggingScheme.IOB1 => Iob1,
        TaggingScheme.IOB2 => Iob2,
        TaggingScheme.IOE2 => Ioe2,
        TaggingScheme.IOBES => Iobes,
        TaggingScheme.BILOU => Bilou,
        _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "unknown tagging scheme"),
    };

    private static bool Matches(TransitionPattern[] patterns, SchemeToken previous, SchemeToken current)
    {
        foreach (var p in patterns)
        {
            if ((p.Previous & previous.Prefix) == 0 || (p.Current & current.Prefix) == 0) continue;
            var same = previous.Type == current.Type;
            if (p.Relation == TypeRelation.Any || (p.Relation == TypeRelation.Same) == same) return true;
        }

        return false;
    }

    private static TransitionPattern P(Prefix previous, Prefix current, TypeRelation relation = TypeRelation.Any) => new(previous, current, relation);

    private static readonly SchemeRules Iob1 = new(
        Prefix.I | Prefix.O | Prefix.B,
        [P(Prefix.O, Prefix.I), P(Prefix.I, Prefix.I, TypeRelation.Different), P(Prefix.B, Prefix.I), P(Prefix.I, Prefix.B, TypeRelation.Same), P(Prefix.B, Prefix.B, TypeRelation.Same)],
        [P(Prefix.B, Prefix.I, TypeRelation.Same), P(Prefix.I, Prefix.I, TypeRelation.Same)],
        [P(Prefix.I, Prefix.I, TypeRelation.Different), P(Prefix.I, Prefix.O), P(Prefix.I, Prefix.B), P(Prefix.B, Prefix.O), P(Prefix.B, Prefix.I, TypeRelation.Different), P(Prefix.B, Prefix.B, TypeRelation.Same)]);

    private static readonly SchemeRules Iob2 = new(
        Prefix.I | Prefix.O | Prefix.B,
        [P(Prefix.Any, Prefix.B)],
        [P(Prefix.B, Prefix.I, TypeRelation.Same), P(Prefix.I, Prefix.I, TypeRelation.Same)],
        [P(Prefix.I, Prefix.O), P(Prefix.I, Prefix.I, TypeRelation.Different), P(Prefix.I, Prefix.B), P(Prefix.B, Prefix.O), P(Prefix.B, Prefix.I, TypeRelation.Different), P(Prefix.B, Prefix.B)]);

    private static readonly SchemeRules Ioe2 = new(
        Prefix.I | Prefix.O | Prefix.E,
        [P(Prefix.O, Prefix.I), P(Prefix.O, Prefix.E), P(Prefix.E, Prefix.I), P(Prefix.E, Prefix.E), P(Prefix.I, Prefix.I, TypeRelation.Different), P(Prefix.I, Prefix.E, TypeRelation.Different)],
        [P(Prefix.I, Prefix.E, TypeRelation.Same), P(Prefix.I, Prefix.I, TypeRelation.Same)],
        [P(Prefix.E, Prefix.Any)]);

    private static readonly SchemeRules Iobes = new(
        Prefix.I | Prefix.O | Prefix.B | Prefix.E | Prefix.S,
        [P(Prefix.Any, Prefix.B), P(Prefix.Any, Prefix.S)],
        [P(Prefix.B, Prefix.I, TypeRelation.Same), P(Prefix.B, Prefix.E, TypeRelation.Same), P(Prefix.I, Prefix.I, TypeRelation.Same), P(Prefix.I, Prefix.E, TypeRelation.Same)],
        [P(Prefix.S, Prefix.Any), P(Prefix.E, Prefix.Any)]);

    private static readonly SchemeRules Bilou = new(
        Prefix.B | Prefix.I | Prefix.L | Prefix.O | Prefix.U,
        [P(Prefix.Any, Prefix.B), P(Prefix.Any, Prefix.U)],
        [P(Prefix.B, Prefix.I, TypeRelation.Same), P(Prefix.B, Prefix.L, TypeRelation.Same), P(Prefix.I, Prefix.I, TypeRelation.Same), P(Prefix.I, Prefix.L, TypeRelation.Same)],
        [P(Prefix.U, Prefix.Any), P(Prefix.L, Prefix.Any)]);
}
