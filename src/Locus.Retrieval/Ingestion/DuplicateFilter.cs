using System.Numerics;
using System.Text;

namespace Locus.Retrieval.Ingestion;

/// <summary>What <see cref="DuplicateFilter.Check"/> decided.</summary>
public enum DuplicateKind
{
    /// <summary>Not seen before: keep it.</summary>
    Unique,

    /// <summary>Same words as a kept sentence after lower-casing and dropping punctuation.</summary>
    Exact,

    /// <summary>SimHash within the Hamming threshold of a kept sentence.</summary>
    Near,
}

/// <summary>
/// Drops exact duplicates (64-bit hash of the normalised text) and near duplicates: a 64-bit SimHash
/// (Charikar, 2002) over word 3-shingles, where sentences whose fingerprints differ in at most
/// <c>maxHamming</c> bits count as copies. Lookup splits the fingerprint into maxHamming+1 bands: two
/// fingerprints within the threshold agree exactly on at least one band (pigeonhole), so only sentences
/// sharing a band are compared.
/// </summary>
public sealed class DuplicateFilter
{
    private readonly HashSet<ulong> _exact = [];
    private readonly Dictionary<ulong, List<ulong>>[] _bands;
    private readonly int _maxHamming;
    private readonly int _minTokens;
    private readonly int _bandBits;

    /// <summary>
    /// Creates the filter. <paramref name="maxHamming"/> &lt; 0 turns near-duplicate detection off; sentences with
    /// fewer than <paramref name="minTokensForNear"/> words are only checked for exact copies (their shingle
    /// sets are too small for a stable fingerprint).
    /// </summary>
    public DuplicateFilter(int maxHamming = 3, int minTokensForNear = 5)
    {
        if (maxHamming > 15) throw new LocusException($"near-duplicate Hamming threshold must be at most 15 (got {maxHamming})");
        _maxHamming = maxHamming;
        _minTokens = minTokensForNear;
        var bands = Math.Max(maxHamming + 1, 1);
        _bandBits = 64 / bands;
        _bands = Enumerable.Range(0, bands).Select(_ => new Dictionary<ulong, List<ulong>>()).ToArray();
    }

    /// <summary>Checks <paramref name="sentence"/> and, when unique, remembers it.</summary>
    public DuplicateKind Check(string sentence)
    {
        var tokens = Tokens(sentence);
        if (!_exact.Add(Hash(string.Join(' ', tokens)))) return DuplicateKind.Exact;
        if (_maxHamming < 0 || tokens.Count < _minTokens) return DuplicateKind.Unique;
        var fingerprint = SimHash(tokens);
        for (var b = 0; b < _bands.Length; b++)
        {
            if (!_bands[b].TryGetValue(Band(fingerprint, b), out var bucket)) continue;
            foreach (var other in bucket)
                if (BitOperations.PopCount(fingerprint ^ other) <= _maxHamming) return DuplicateKind.Near;
        }
        for (var b = 0; b < _bands.Length; b++)
        {
            var key = Band(fingerprint, b);
            if (!_bands[b].TryGetValue(key, out var bucket)) _bands[b][key] = bucket = [];
            bucket.Add(fingerprint);
        }
        return DuplicateKind.Unique;
    }

    /// <summary>The 64-bit SimHash of a sentence's word 3-shingles (word unigrams when it has fewer than 3 words).</summary>
    public static ulong SimHash(string sentence) => SimHash(Tokens(sentence));

    private static ulong SimHash(List<string> tokens)
    {
        Span<int> votes = stackalloc int[64];
        var width = Math.Min(3, tokens.Count);
        for (var i = 0; i + width <= tokens.Count; i++)
        {
            var shingle = Hash(string.Join(' ', tokens.GetRange(i, width)));
            for (var bit = 0; bit < 64; bit++) votes[bit] += (shingle >> bit & 1) != 0 ? 1 : -1;
        }
        var fingerprint = 0UL;
        for (var bit = 0; bit < 64; bit++)
            if (votes[bit] > 0) fingerprint |= 1UL << bit;
        return fingerprint;
    }

    private ulong Band(ulong fingerprint, int band)
    {
        var shift = band * _bandBits;
        var width = band == _bands.Length - 1 ? 64 - shift : _bandBits;
        return (fingerprint >> shift) & (width == 64 ? ulong.MaxValue : (1UL << width) - 1);
    }

    private static List<string> Tokens(string sentence)
    {
        var tokens = new List<string>();
        var word = new StringBuilder();
        foreach (var c in sentence)
        {
            if (char.IsLetterOrDigit(c)) word.Append(char.ToLowerInvariant(c));
            else if (word.Length > 0)
            {
                tokens.Add(word.ToString());
                word.Clear();
            }
        }
        if (word.Length > 0) tokens.Add(word.ToString());
        return tokens;
    }

    private static ulong Hash(string text)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var c in text) hash = (hash ^ c) * 0x100000001B3UL;
        hash ^= hash >> 33; hash *= 0xFF51AFD7ED558CCDUL;
        hash ^= hash >> 33; hash *= 0xC4CEB9FE1A85EC53UL;
        return hash ^ hash >> 33;
    }
}
