namespace Locus.Evaluation;

/// <summary>
/// The identity of one extracted entity: two entities match when all four fields are equal.
/// <paramref name="End"/> is exclusive (tokens or characters, depending on the source).
/// </summary>
internal readonly record struct EntityKey(int Example, int Start, int End, string Type);
