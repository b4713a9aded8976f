using System.Text.RegularExpressions;

namespace Locus.Atlas.Encoding;

/// <summary>
/// Latent semantic analysis of query text: sublinear TF-IDF over lower-cased word tokens, rows L2-normalised,
/// then a truncated SVD; new texts are folded in with the same vocabulary, IDF and components.
/// Works offline without any pretrained encoder.
/// </summary>
public sealed partial class LsaQueryEncoder : IQueryEncoder
{
    /// <summary>The kind name stored in atlases.</summary>
    public const string KindName = "lsa";

    private readonly Dictionary<string, int> _vocabulary;
    private readonly double[] _idf;
    private readonly double[,] _components; // [vocab, dim]
    private readonly Standardizer _standardizer;

    private LsaQueryEncoder(Dictionary<string, int> vocabulary, double[] idf, double[,] components, Standardizer standardizer)
    {
        _vocabulary = vocabulary;
        _idf = idf;
        _components = components;
        _standardizer = standardizer;
    }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public int Dimension => _components.GetLength(1);

    /// <summary>Number of terms kept in the vocabulary.</summary>
    public int VocabularySize => _vocabulary.Count;

    /// <summary>
    /// Fits on <paramref name="texts"/>: terms that occur in at least <paramref name="minDocumentFrequency"/> texts
    /// (the most frequent <paramref name="maxFeatures"/>), then <paramref name="dimension"/> SVD components.
    /// </summary>
    public static LsaQueryEncoder Fit(IReadOnlyList<string> texts, int dimension = 64, int minDocumentFrequency = 2, int maxFeatures = 20000)
    {
        if (texts.Count < 2) throw new LocusException("LSA needs at least two query texts");
        var docs = texts.Select(Tokenize).ToList();
        var df = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var doc in docs)
            foreach (var term in doc.Distinct())
                df[term] = df.GetValueOrDefault(term) + 1;
        var kept = df.Where(p => p.Value >= minDocumentFrequency).ToList();
        if (kept.Count < 2) kept = df.ToList(); // tiny corpora: keep every term rather than fail
        var terms = kept.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(maxFeatures).Select(p => p.Key).OrderBy(t => t, StringComparer.Ordinal).ToArray();
        if (terms.Length == 0) throw new LocusException("LSA found no word tokens in the query texts");
        var vocabulary = terms.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i, StringComparer.Ordinal);
        var idf = terms.Select(t => Math.Log((1.0 + docs.Count) / (1.0 + df[t])) + 1).ToArray();
        var x = new double[docs.Count, terms.Length];
        for (int i = 0; i < docs.Count; i++)
        {
            var row = Weights(docs[i], vocabulary, idf);
            for (int j = 0; j < row.Length; j++) x[i, j] = row[j];
        }
        var (scores, components) = TruncatedSvd.Compute(x, dimension);
        return new LsaQueryEncoder(vocabulary, idf, components, Standardizer.Fit(scores));
    }

    /// <inheritdoc />
    public float[] Encode(string queryId, string? queryText)
    {
        if (queryText is null) throw new LocusException($"query '{queryId}' has no text, which the LSA encoding needs");
        var weights = Weights(Tokenize(queryText), _vocabulary, _idf);
        var projected = new double[Dimension];
        for (int j = 0; j < weights.Length; j++)
        {
            if (weights[j] == 0) continue;
            for (int k = 0; k < projected.Length; k++) projected[k] += weights[j] * _components[j, k];
        }
        return _standardizer.Apply(projected);
    }

    /// <inheritdoc />
    public void Save(BinaryWriter writer)
    {
        var terms = _vocabulary.OrderBy(p => p.Value).Select(p => p.Key).ToArray();
        writer.Write(terms.Length);
        writer.Write(Dimension);
        for (int j = 0; j < terms.Length; j++)
        {
            writer.Write(terms[j]);
            writer.Write(_idf[j]);
            for (int k = 0; k < Dimension; k++) writer.Write(_components[j, k]);
        }
        _standardizer.Save(writer);
    }

    /// <summary>Reads the state written by <see cref="Save"/>.</summary>
    public static LsaQueryEncoder Load(BinaryReader reader)
    {
        int n = reader.ReadInt32(), dim = reader.ReadInt32();
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        var idf = new double[n];
        var components = new double[n, dim];
        for (int j = 0; j < n; j++)
        {
            vocabulary[reader.ReadString()] = j;
            idf[j] = reader.ReadDouble();
            for (int k = 0; k < dim; k++) components[j, k] = reader.ReadDouble();
        }
        return new LsaQueryEncoder(vocabulary, idf, components, Standardizer.Load(reader));
    }

    /// <summary>The tokens LSA counts: lower-cased runs of letters and digits.</summary>
    public static string[] Tokenize(string text) => WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value).ToArray();

    private static double[] Weights(string[] tokens, Dictionary<string, int> vocabulary, double[] idf)
    {
        var w = new double[idf.Length];
        foreach (var t in tokens)
            if (vocabulary.TryGetValue(t, out var j)) w[j] += 1;
        double norm = 0;
        for (int j = 0; j < w.Length; j++)
        {
            if (w[j] == 0) continue;
            w[j] = (1 + Math.Log(w[j])) * idf[j];
            norm += w[j] * w[j];
        }
        if (norm > 0)
        {
            norm = Math.Sqrt(norm);
            for (int j = 0; j < w.Length; j++) w[j] /= norm;
        }
        return w;
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex WordPattern();
}
