namespace Locus.Evaluation;

/// <summary>Helpers about tagging schemes.</summary>
public static class TaggingSchemes
{
    private static readonly (TaggingScheme Scheme, string[] PrefixSets)[] Recognised =
    [
        (TaggingScheme.IOB2, ["IOB", "IB", "BO", "B"]),
        (TaggingScheme.IOE2, ["IOE", "IE", "EO", "E"]),
        (TaggingScheme.IOBES, ["IOBES", "IBES", "IOBE", "OBES", "IBE", "BES", "OBE", "BE", "S"]),
        (TaggingScheme.BILOU, ["IOBLU", "IBLU", "IOBL", "OBLU", "IBL", "BLU", "OBL", "BL", "U"]),
    ];

    /// <summary>
    /// Detects the scheme from the set of prefixes used, as seqeval's <c>auto_detect</c> does: a prefix set such
    /// as {I, O, B} or {B, O} means IOB2; {I, O, E} IOE2; {B, E, S, ...} IOBES; {B, L, U, ...} BILOU.
    /// IOB1 is never detected (its prefixes are those of IOB2).
    /// </summary>
    /// <param name="sequences">Tag sequences, usually the gold ones.</param>
    /// <param name="suffix">Whether prefixes follow the type (<c>PER-B</c>).</param>
    /// <exception cref="LocusException">The prefixes match no supported scheme, or a tag has no prefix letter.</exception>
    public static TaggingScheme Detect(IReadOnlyList<IReadOnlyList<string>> sequences, bool suffix = false)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var prefixes = new SortedSet<char>();
        for (var s = 0; s < sequences.Count; s++)
        {
            for (var t = 0; t < sequences[s].Count; t++)
            {
                var tag = sequences[s][t];
                if (SchemeToken.TryParse(tag, suffix) is null)
                    throw new LocusException($"sentence {s}, token {t}: tag '{tag}' has no I/O/B/E/S/U/L prefix, so no tagging scheme can be detected");
                prefixes.Add(suffix ? tag[^1] : tag[0]);
            }
        }

        foreach (var (scheme, sets) in Recognised)
        {
            if (sets.Any(set => set.Length == prefixes.Count && set.All(prefixes.Contains))) return scheme;
        }

        throw new LocusException($"the tags use the prefixes {{{string.Join(", ", prefixes)}}}, which match none of IOB2, IOE2, IOBES, BILOU; name the scheme explicitly");
    }
}
