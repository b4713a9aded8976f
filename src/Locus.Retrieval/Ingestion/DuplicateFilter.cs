using System.Text;

namespace Locus.Retrieval.Ingestion;

/// <summary>What <see cref="DuplicateFilter.Check"/> decided.</summary>
public enum DuplicateKind
{
    /// <summary>Not seen before: keep it.</summary>
    Unique,

    /// <summary>Same words as a kept sentence after lower-casing and dropping punctuation.</summary>
    Exact,

    /// <summary>Word-bigram Jaccard similarity with a kept sentence at or above the threshold (MinHash estimate).</summary>
    Near,
}

/// <summary>
/// Drops exact duplicates (64-bit hash of the normalised words) and near duplicates: MinHash signatures
/// (Broder, 1997) of 32 hash functions over word bigrams estimate the Jaccard similarity of two sentences;
/// locality-sensitive hashing in 8 bands of 4 values finds candidate pairs without comparing against every
/// kept sentence (a pair with Jaccard 0.7 shares a band with probability 1 − (1 − 0.7⁴)⁸ ≈ 0.94), and a
/// candidate counts as a copy when at least the threshold fraction of the 32 values agree.
/// </summary>
public sealed class DuplicateFilter
{
    private const int Hashes = 32;
    private const int Bands = 8;
    private const int Rows = Hashes / Bands;
    // Bounds the work per sentence when many kept sentences share a band value (templated text).
    private const int MaxCandidatesPerBand = 64;

    private readonly HashSet<ulong> _exact = [];
    private readonly Dictionary<ulong, int>[] _bandHeads = Enumerable.Range(0, Bands).Select(_ => new Dictionary<ulong, int>()).ToArray();
    private readonly List<uint> _signatures = [];
    private readonly List<int> _nextInBand = [];
    private readonly int _agreeing;
    private readonly int _minTokens;

    /// <summary>
    /// Creates the filter. <paramref name="nearThreshold"/> is the Jaccard similarity of word bigrams at which a
    /// sentence counts as a near copy (0 or less: near-duplicate removal off). Sentences with fewer than
    /// <paramref name="minTokensForNear"/> words are only checked for exact copies (one word changes most of
    /// their bigrams).
    /// </summary>
    public DuplicateFilter(double nearThreshold = 0.7, int minTokensForNear = 5)
    {
        if (nearThreshold > 1) throw new LocusException($"near-duplicate threshold is a Jaccard similarity, at most 1 (got {nearThreshold})");
        _agreeing = nearThreshold <= 0 ? 0 : (int)Math.Ceiling(nearThreshold * Hashes);
        _minTokens = minTokensForNear;
    }

    /// <summary>Checks <paramref name="sentence"/> and, when unique, remembers it.</summary>
    public DuplicateKind Check(string sentence)
    {
        var tokens = Tokens(sentence);
        if (!_exact.Add(Hash(string.Join(' ', tokens)))) return DuplicateKind.Exact;
        if (_agreeing == 0 || tokens.Count < _minTokens) return DuplicateKind.Unique;

        var signature = Signature(tokens);
        Span<ulong> bandKeys = stackalloc ulong[Bands];
        for (var band = 0; band < Bands; band++)
        {
            bandKeys[band] = BandKey(signature, band);
            if (!_bandHeads[band].TryGetValue(bandKeys[band], out var candidate)) continue;
            for (var seen = 0; candidate >= 0 && seen < MaxCandidatesPerBand; seen++)
            {
                if (Agreement(signature, candidate) >= _agreeing) return DuplicateKind.Near;
                candidate = _nextInBand[candidate * Bands + band];
            }
        }

        var id = _signatures.Count / Hashes;
        _signatures.AddRange(signature);
        for (var band = 0; band < Bands; band++)
        {
            _nextInBand.Add(_bandHeads[band].TryGetValue(bandKeys[band], out var head) ? head : -1);
            _bandHeads[band][bandKeys[band]] = id;
        }
        return DuplicateKind.Unique;
    }

    /// <summary>MinHash estimate of the word-bigram Jaccard similarity of two sentences (fraction of agreeing values).</summary>
    public static double EstimateJaccard(string a, string b)
    {
        var sa = Signature(Tokens(a));
        var sb = Signature(Tokens(b));
        return sa.Zip(sb).Count(p => p.First == p.Second) / (double)Hashes;
    }

    private int Agreement(uint[] signature, int candidate)
    {
        var agree = 0;
        var start = candidate * Hashes;
        for (var i = 0; i < Hashes; i++)
            if (_signatures[start + i] == signature[i]) agree++;
        return agree;
    }

    private static uint[] Signature(List<string> tokens)
    {
        var signature = new uint[Hashes];
        Array.Fill(signature, uint.MaxValue);
        for (var i = 0; i + 1 < tokens.Count || (i == 0 && tokens.Count == 1); i++)
        {
            var shingle = Hash(tokens.Count == 1 ? tokens[0] : tokens[i] + " " + tokens[i + 1]);
            for (var h = 0; h < Hashes; h++)
            {
                // Each of the 32 hash functions: the shingle hash re-mixed with its own odd constant.
                var value = (uint)(Mix(shingle ^ (0x9E3779B97F4A7C15UL * (ulong)(h + 1))) >> 32);
                if (value < signature[h]) signature[h] = value;
            }
        }
        return signature;
    }

    private static ulong BandKey(uint[] signature, int band)
    {
        var key = (ulong)band;
        for (var r = 0; r < Rows; r++) key = Mix(key * 31 + signature[band * Rows + r]);
        return key;
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
        return Mix(hash);
    }

    private static ulong Mix(ulong hash)
    {
        hash ^= hash >> 33; hash *= 0xFF51AFD7ED558CCDUL;
        hash ^= hash >> 33; hash *= 0xC4CEB9FE1A85EC53UL;
        return hash ^ hash >> 33;
    }
}
