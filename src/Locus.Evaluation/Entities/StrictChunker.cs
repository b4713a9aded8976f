namespace Locus.Evaluation;

/// <summary>
/// seqeval's strict-mode entity extraction (<c>Tokens.entities</c>): an entity is counted only when a token
/// that may start one is followed by tokens that continue it and the last of them properly closes it in the
/// scheme. An I- after O in IOB2, or B- I- without E- in IOBES, yields no entity.
/// </summary>
internal static class StrictChunker
{
    /// <summary>Extracts the well-formed entities; positions are token offsets in their sentence, end exclusive.</summary>
    /// <exception cref="LocusException">A tag has a prefix the scheme does not allow; the message names sentence and token.</exception>
    public static List<EntityKey> Chunk(IReadOnlyList<IReadOnlyList<string>> sentences, TaggingScheme scheme, bool suffix)
    {
        var rules = SchemeRules.For(scheme);
        var entities = new List<EntityKey>();
        for (var s = 0; s < sentences.Count; s++)
        {
            var tokens = Parse(sentences[s], rules, scheme, suffix, s);
            tokens.Add(SchemeToken.Outside);
            var previous = SchemeToken.Outside;
            var i = 0;
            while (i < tokens.Count)
            {
                if (rules.IsStart(previous, tokens[i]))
                {
                    // The appended "O" can never continue an entity, so this stops at the last index at the latest.
                    var end = i + 1;
                    while (rules.IsInside(tokens[end - 1], tokens[end])) end++;
                    if (rules.IsEnd(tokens[end - 1], tokens[end])) entities.Add(new EntityKey(s, i, end, tokens[i].Type));
                    i = end;
                }
                else
                {
                    i++;
                }

                previous = tokens[i - 1];
            }
        }

        return entities;
    }

    private static List<SchemeToken> Parse(IReadOnlyList<string> tags, SchemeRules rules, TaggingScheme scheme, bool suffix, int sentence)
    {
        var tokens = new List<SchemeToken>(tags.Count + 1);
        for (var t = 0; t < tags.Count; t++)
        {
            var token = SchemeToken.TryParse(tags[t], suffix);
            if (token is null || (token.Value.Prefix & rules.Allowed) == 0)
            {
                throw new LocusException(
                    $"sentence {sentence}, token {t}: tag '{tags[t]}' is not valid in the {scheme} scheme (allowed prefixes: {AllowedList(rules.Allowed)}" +
                    (suffix ? ", written after the type)" : ")"));
            }

            tokens.Add(token.Value);
        }

        return tokens;
    }

    private static string AllowedList(Prefix allowed) =>
        string.Join(", ", Enum.GetValues<Prefix>().Where(p => p is not (Prefix.None or Prefix.Any) && (allowed & p) != 0));
}
