namespace Locus.Evaluation;

/// <summary>
/// seqeval's default (conlleval-compatible) entity extraction, <c>get_entities</c> with its
/// <c>end_of_chunk</c> / <c>start_of_chunk</c> rules, reproduced step for step so that odd inputs give the
/// same entities too: sentences are joined with one "O" between them and after the last, a tag's prefix is
/// its first character (last with suffixes) and its type is what follows the first '-' (precedes the last '-'
/// with suffixes), "_" when empty. An I- or E- after O, or any tag whose type differs from the previous one,
/// starts an entity; a tag without a recognised prefix (e.g. "PER") is read literally ("P" + "ER") and warned about.
/// </summary>
internal static class ConllChunker
{
    /// <summary>Extracts the entities of all sentences; positions are token offsets within the sentence the entity starts in.</summary>
    /// <param name="sentences">Tag sequences, one per sentence.</param>
    /// <param name="suffix">Whether prefixes follow the type (<c>PER-B</c>).</param>
    /// <param name="unprefixedTags">Receives each tag that has no B-/I-/E-/S- prefix (seqeval warns about these).</param>
    public static List<EntityKey> Chunk(IReadOnlyList<IReadOnlyList<string>> sentences, bool suffix, ISet<string> unprefixedTags)
    {
        var flat = Flatten(sentences, suffix, unprefixedTags, out var sentenceOfPosition, out var sentenceStart);
        var entities = new List<EntityKey>();
        var previous = ('O', "");
        var begin = 0;
        for (var i = 0; i < flat.Count; i++)
        {
            var current = flat[i];
            if (EndsChunk(previous, current))
            {
                var sentence = sentenceOfPosition[begin];
                var offset = sentenceStart[sentence];
                entities.Add(new EntityKey(sentence, begin - offset, i - offset, previous.Item2));
            }

            if (StartsChunk(previous, current)) begin = i;
            previous = current;
        }

        return entities;
    }

    private static List<(char Prefix, string Type)> Flatten(
        IReadOnlyList<IReadOnlyList<string>> sentences, bool suffix, ISet<string> unprefixedTags,
        out List<int> sentenceOfPosition, out List<int> sentenceStart)
    {
        var flat = new List<(char, string)>();
        sentenceOfPosition = [];
        sentenceStart = [];
        for (var s = 0; s < sentences.Count; s++)
        {
            sentenceStart.Add(flat.Count);
            var tags = sentences[s];
            for (var t = 0; t < tags.Count; t++)
            {
                flat.Add(Parse(tags[t], suffix, s, t, unprefixedTags));
                sentenceOfPosition.Add(s);
            }

            flat.Add(('O', "_"));
            sentenceOfPosition.Add(s);
        }

        // The closing "O" that flushes the last entity; nothing can start on it.
        flat.Add(('O', "_"));
        return flat;
    }

    private static (char Prefix, string Type) Parse(string tag, bool suffix, int sentence, int token, ISet<string> unprefixedTags)
    {
        if (string.IsNullOrEmpty(tag)) throw new LocusException($"sentence {sentence}, token {token}: the tag is empty");
        if (!HasKnownPrefix(tag, suffix)) unprefixedTags.Add(tag);
        if (suffix)
        {
            var body = tag[..^1];
            var dash = body.LastIndexOf('-');
            var type = dash < 0 ? body : body[..dash];
            return (tag[^1], type.Length == 0 ? "_" : type);
        }
        else
        {
            var body = tag[1..];
            var dash = body.IndexOf('-');
            var type = dash < 0 ? body : body[(dash + 1)..];
            return (tag[0], type.Length == 0 ? "_" : type);
        }
    }

    private static bool HasKnownPrefix(string tag, bool suffix)
    {
        if (tag is "O" or "B" or "I" or "E" or "S") return true;
        return suffix
            ? tag.EndsWith("-B", StringComparison.Ordinal) || tag.EndsWith("-I", StringComparison.Ordinal) || tag.EndsWith("-E", StringComparison.Ordinal) || tag.EndsWith("-S", StringComparison.Ordinal)
            : tag.StartsWith("B-", StringComparison.Ordinal) || tag.StartsWith("I-", StringComparison.Ordinal) || tag.StartsWith("E-", StringComparison.Ordinal) || tag.StartsWith("S-", StringComparison.Ordinal);
    }

    private static bool EndsChunk((char Prefix, string Type) previous, (char Prefix, string Type) current)
    {
        var (p, c) = (previous.Prefix, current.Prefix);
        if (p is 'E' or 'S') return true;
        if (p is 'B' or 'I' && c is 'B' or 'S' or 'O') return true;
        // '.' is conlleval's sentence-boundary tag: it neither ends nor starts a chunk by type change.
        return p != 'O' && p != '.' && previous.Type != current.Type;
    }

    private static bool StartsChunk((char Prefix, string Type) previous, (char Prefix, string Type) current)
    {
        var (p, c) = (previous.Prefix, current.Prefix);
        if (c is 'B' or 'S') return true;
        if (p is 'E' or 'S' or 'O' && c is 'E' or 'I') return true;
        return c != 'O' && c != '.' && previous.Type != current.Type;
    }
}
