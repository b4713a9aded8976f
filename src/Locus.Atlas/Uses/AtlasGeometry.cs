namespace Locus.Atlas.Uses;

/// <summary>A model and its distance from a reference model.</summary>
/// <param name="Model">Model name.</param>
/// <param name="Distance">Euclidean distance between embeddings.</param>
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
    /// The closest available model to stand in for <paramref name="unavailable"/> (e.g. a retired or rate-limited model).
    /// Throws when no other model is available.
    /// </summary>
    public static Neighbor Proxy(ModelAtlas atlas, string unavailable, IReadOnlyCollection<string>? available = null) =>
        Neighbors(atlas, unavailable, 1, available).FirstOrDefault()
            ?? throw new LocusException($"no available model can stand in for '{unavailable}'");
}
