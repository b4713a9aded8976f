namespace Locus.Atlas.Uses;

/// <summary>A model and its distance from a reference model.</summary>
/// <param name="Model">Model name.</param>
/// <param name="Distance">Euclidean distance between embeddings, or, from <see cref="AtlasGeometry.NeighborsByDisagreement"/>,
/// the expected share of the queries on which the two models' answers differ in correctness.</param>
public sealed record Neighbor(string Model, double Distance);

/// <summary>Distances between model embeddings: neighbours, proxies and distance matrices.</summary>
public static class AtlasGeometry
{
    /// <summary>Euclidean distance between two embeddings.</summary>
    public static double Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("embeddings differ in length");
        double s = 0;
        for (int i = 0; i < a.Length; i++) { double d = a[i] - b[i]; s += d * d; }
        return Math.Sqrt(s);
    }

    /// <summary>The symmetric distance matrix of <paramref name="embeddings"/>.</summary>
    public static double[,] DistanceMatrix(IReadOnlyList<float[]> embeddings)
    {
        int n = embeddings.Count;
        var d = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                d[i, j] = d[j, i] = Distance(embeddings[i], embeddings[j]);
        return d;
    }

    /// <summary>
    /// The <paramref name="count"/> models closest to <paramref name="model"/>, nearest first, optionally only among
    /// <paramref name="candidates"/>; the model itself is never its own neighbour.
    /// </summary>
    public static IReadOnlyList<Neighbor> Neighbors(ModelAtlas atlas, string model, int count, IReadOnlyCollection<string>? candidates = null)
    {
        var reference = atlas[model].Embedding;
        var pool = candidates?.Select(c => atlas[c]) ?? atlas.Models;
        return pool.Where(m => m.Name != model)
            .Select(m => new Neighbor(m.Name, Distance(reference, m.Embedding)))
            .OrderBy(n => n.Distance).ThenBy(n => n.Model, StringComparer.Ordinal)
            .Take(count).ToArray();
    }

    /// <summary>
    /// The <paramref name="count"/> models most likely to agree with <paramref name="model"/> on
    /// <paramref name="queryEncodings"/>, by expected disagreement: the mean over the queries of
    /// p(1 − q) + q(1 − p), with p and q the two models' predicted P(correct), the chance that exactly one of two
    /// independently answering models is right. Unlike embedding distance it counts the disagreement that comes from
    /// uncertainty itself (two models that are each right half the time on a query disagree on it half the time),
    /// which is why it tracks observed disagreement far better (Pearson 0.92-0.97 against 0.56-0.67 on ChemBench from
    /// 64 evaluations on, bench/results/atlas.md).
    /// </summary>
    public static IReadOnlyList<Neighbor> NeighborsByDisagreement(ModelAtlas atlas, string model, int count, IReadOnlyList<float[]> queryEncodings,
        IReadOnlyCollection<string>? candidates = null)
    {
        if (queryEncodings.Count == 0) throw new LocusException("no queries to compare the models on");
        var pool = (candidates?.Select(c => atlas[c].Name) ?? atlas.Models.Select(m => m.Name)).Where(m => m != model).ToArray();
        var p = atlas.PredictCorrectness([model, .. pool], queryEncodings); // [1 + pool, queries]
        return pool.Select((name, i) => new Neighbor(name, ExpectedDisagreement(p, 0, i + 1)))
            .OrderBy(n => n.Distance).ThenBy(n => n.Model, StringComparer.Ordinal)
            .Take(count).ToArray();
    }

    /// <summary>
    /// The expected share of queries on which models <paramref name="a"/> and <paramref name="b"/> (rows of
    /// <paramref name="correctness"/>, predicted P(correct) [models, queries]) differ in correctness: the mean of
    /// p(1 − q) + q(1 − p), the chance that exactly one of two independently answering models is right.
    /// </summary>
    public static double ExpectedDisagreement(double[,] correctness, int a, int b)
    {
        int queries = correctness.GetLength(1);
        double sum = 0;
        for (int q = 0; q < queries; q++)
        {
            double pa = correctness[a, q], pb = correctness[b, q];
            sum += pa * (1 - pb) + pb * (1 - pa);
        }
        return sum / queries;
    }

    /// <summary>
    /// The closest available model to stand in for <paramref name="unavailable"/> (e.g. a retired or rate-limited model).
    /// Throws when no other model is available.
    /// </summary>
    public static Neighbor Proxy(ModelAtlas atlas, string unavailable, IReadOnlyCollection<string>? available = null) =>
        Neighbors(atlas, unavailable, 1, available).FirstOrDefault()
            ?? throw new LocusException($"no available model can stand in for '{unavailable}'");
}
