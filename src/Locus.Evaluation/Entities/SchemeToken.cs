namespace Locus.Evaluation;

/// <summary>A tag split the way seqeval's strict-mode <c>Token</c> splits it: one prefix letter and a type.</summary>
internal readonly record struct SchemeToken(Prefix Prefix, string Type)
{
    /// <summary>The "O" token that seqeval appends after every sentence.</summary>
    public static readonly SchemeToken Outside = new(Prefix.O, "_");

    /// <summary>
    /// Splits a tag: the prefix is the first character (the last with <paramref name="suffix"/>), the type is
    /// the rest with '-' trimmed from both ends, "_" when nothing is left.
    /// </summary>
    /// <returns>The token, or null when the prefix letter is not one of I, O, B, E, S, U, L.</returns>
    public static SchemeToken? TryParse(string tag, bool suffix)
    {
        if (string.IsNullOrEmpty(tag)) return null;
        var prefix = (suffix ? tag[^1] : tag[0]) switch
        {
            'I' => Prefix.I,
            'O' => Prefix.O,
            'B' => Prefix.B,
            'E' => Prefix.E,
            'S' => Prefix.S,
            'U' => Prefix.U,
            'L' => Prefix.L,
            _ => Prefix.None,
        };
        if (prefix == Prefix.None) return null;
        var type = (suffix ? tag[..^1] : tag[1..]).Trim('-');
        return new SchemeToken(prefix, type.Length == 0 ? "_" : type);
    }
}
