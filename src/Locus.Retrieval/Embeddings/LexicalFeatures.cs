namespace Locus.Retrieval.Embeddings;

/// <summary>
/// Extracts hashed lexical features from a sentence: lower-cased word unigrams, word bigrams, and character
/// trigrams of each word with boundary marks (so "parsing" and "parser" share features). Each feature is a
/// 64-bit FNV-1a hash salted by its kind.
/// </summary>
internal static class LexicalFeatures
{
    internal enum Kind : byte { Word = 1, Bigram = 2, CharTrigram = 3 }

    /// <summary>Calls <paramref name="visit"/> once per feature occurrence.</summary>
    public static void Extract(string text, Action<ulong, Kind> visit)
    {
        var lower = text.ToLowerInvariant();
        var previous = 0UL;
        var start = -1;
        for (var i = 0; i <= lower.Length; i++)
        {
            var inWord = i < lower.Length && char.IsLetterOrDigit(lower[i]);
            if (inWord && start < 0) start = i;
            if (inWord || start < 0) continue;
            var word = lower.AsSpan(start, i - start);
            var wordHash = Hash(Kind.Word, word);
            visit(wordHash, Kind.Word);
            if (previous != 0) visit(Mix(previous, wordHash) , Kind.Bigram);
            previous = wordHash;
            if (word.Length >= 3) VisitTrigrams(word, visit);
            start = -1;
        }
    }

    private static void VisitTrigrams(ReadOnlySpan<char> word, Action<ulong, Kind> visit)
    {
        Span<char> marked = word.Length + 2 <= 128 ? stackalloc char[word.Length + 2] : new char[word.Length + 2];
        marked[0] = '<';
        word.CopyTo(marked[1..]);
        marked[^1] = '>';
        for (var i = 0; i + 3 <= marked.Length; i++) visit(Hash(Kind.CharTrigram, marked.Slice(i, 3)), Kind.CharTrigram);
    }

    private static ulong Hash(Kind kind, ReadOnlySpan<char> chars)
    {
        var hash = 0xCBF29CE484222325UL ^ (ulong)kind;
        foreach (var c in chars)
        {
            hash = (hash ^ (byte)c) * 0x100000001B3UL;
            hash = (hash ^ (byte)(c >> 8)) * 0x100000001B3UL;
        }
        return Finalise(hash);
    }

    private static ulong Mix(ulong first, ulong second) => Finalise(first * 31 + second ^ (ulong)Kind.Bigram << 56);

    // FNV-1a leaves the low bits poorly mixed; the avalanche step spreads them before bucketing.
    private static ulong Finalise(ulong hash)
    {
        hash ^= hash >> 33; hash *= 0xFF51AFD7ED558CCDUL;
        hash ^= hash >> 33; hash *= 0xC4CEB9FE1A85EC53UL;
        return hash ^ hash >> 33;
    }
}
