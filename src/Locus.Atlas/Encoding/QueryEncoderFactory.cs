using System.Security.Cryptography;
using System.Text;
using Locus.Atlas.Data;

namespace Locus.Atlas.Encoding;

/// <summary>Which query encoding to build.</summary>
public enum QueryEncodingKind
{
    /// <summary>LSA when every query has text, collaborative otherwise.</summary>
    Auto,

    /// <summary><see cref="LsaQueryEncoder"/>.</summary>
    Lsa,

    /// <summary><see cref="CollaborativeQueryEncoder"/>.</summary>
    Collaborative,

    /// <summary><see cref="SentenceQueryEncoder"/> over the sentence encoder of a corpus index folder.</summary>
    Sentence,

    /// <summary><see cref="PrecomputedQueryEncoder"/>: vectors read from a JSONL file, one per query id.</summary>
    Precomputed,
}

/// <summary>Fits the query encoder an atlas is built with, through the on-disk cache.</summary>
public static class QueryEncoderFactory
{
    /// <summary>
    /// Fits (or loads from <paramref name="cacheDirectory"/>) an encoder for <paramref name="table"/>; the collaborative kind
    /// sees only <paramref name="trainingModels"/>. <paramref name="dimension"/> defaults to 64 for LSA and sentence encodings
    /// and 16 for collaborative. The sentence kind needs <paramref name="sentenceEncoderIndex"/>, a corpus index folder
    /// whose encoder it uses (Auto picks it when that folder is given and every query has text). The precomputed kind
    /// reads <paramref name="precomputedEncodings"/> (Auto picks it whenever that file is given).
    /// </summary>
    public static IQueryEncoder Fit(EvaluationTable table, IReadOnlyList<string> trainingModels, QueryEncodingKind kind = QueryEncodingKind.Auto, int? dimension = null, string? cacheDirectory = null, string? sentenceEncoderIndex = null,
        string? precomputedEncodings = null)
    {
        if (kind == QueryEncodingKind.Auto)
            kind = precomputedEncodings is not null ? QueryEncodingKind.Precomputed
                : !table.HasAllTexts ? QueryEncodingKind.Collaborative : sentenceEncoderIndex is null ? QueryEncodingKind.Lsa : QueryEncodingKind.Sentence;
        if (kind == QueryEncodingKind.Precomputed)
        {
            if (precomputedEncodings is null) throw new LocusException("the precomputed encoding needs a file of query vectors (--query-encodings)");
            if (dimension is not null) throw new LocusException("--encoding-dim does not apply to precomputed encodings: their vectors are used as given");
            return PrecomputedQueryEncoder.Read(precomputedEncodings, table.Queries);
        }
        if (precomputedEncodings is not null) throw new LocusException($"--query-encodings gives precomputed encodings, but the encoding chosen is {kind.ToString().ToLowerInvariant()}");
        if (kind is QueryEncodingKind.Lsa or QueryEncodingKind.Sentence)
        {
            if (!table.HasAllTexts)
                throw new LocusException($"the {kind.ToString().ToLowerInvariant()} encoding needs a text for every query; {table.Queries.Count(q => !table.QueryTexts.ContainsKey(q))} of {table.Queries.Count} have none (attach texts or use the collaborative encoding)");
            var texts = table.Queries.Select(q => table.QueryTexts[q]).ToArray();
            int dim = dimension ?? 64;
            if (kind == QueryEncodingKind.Lsa)
                return QueryEncoderStore.GetOrFit(cacheDirectory, $"lsa|{dim}|{Fingerprint(texts)}", () => LsaQueryEncoder.Fit(texts, dim));
            if (sentenceEncoderIndex is null) throw new LocusException("the sentence encoding needs a corpus index folder whose encoder it uses (--encoder-index)");
            // Not cached: the key would have to cover the index's encoder, and building it is what the cache would save.
            return SentenceQueryEncoder.Fit(sentenceEncoderIndex, texts, dim);
        }
        int cdim = dimension ?? 16;
        var key = new StringBuilder($"collaborative|{cdim}|");
        foreach (var m in trainingModels)
        {
            int mi = table.ModelIndex(m);
            key.Append(m).Append('|');
            for (int q = 0; q < table.Queries.Count; q++) key.Append(table.Queries[q]).Append('=').Append(table.Score(mi, q).ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append(';');
        }
        return QueryEncoderStore.GetOrFit(cacheDirectory, Fingerprint([key.ToString()]), () => CollaborativeQueryEncoder.Fit(table, trainingModels, cdim));
    }

    private static string Fingerprint(IEnumerable<string> parts)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var p in parts)
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(p));
            sha.AppendData([0]);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
