using Locus.Atlas.Encoding;

namespace Locus.Atlas.Uses;

/// <summary>Two-dimensional projections of model embeddings for maps.</summary>
public static class Projection2D
{
    /// <summary>Principal component analysis: the centred embeddings projected on their top two directions. Returns [n, 2].</summary>
    public static double[,] Pca(IReadOnlyList<float[]> embeddings)
    {
        int n = embeddings.Count, d = embeddings[0].Length;
        var x = new double[n, d];
        for (int j = 0; j < d; j++)
        {
            double mean = embeddings.Average(e => e[j]);
            for (int i = 0; i < n; i++) x[i, j] = embeddings[i][j] - mean;
        }
        return PadToTwo(TruncatedSvd.Compute(x, 2).RowScores, n);
    }

    /// <summary>Classical (Torgerson) multidimensional scaling of the Euclidean distance matrix. Returns [n, 2].</summary>
    public static double[,] Mds(IReadOnlyList<float[]> embeddings)
    {
        var dist = AtlasGeometry.DistanceMatrix(embeddings);
        int n = embeddings.Count;
        // B = -1/2 J D^2 J (double centring); its top eigenvectors scaled by sqrt(eigenvalue) are the coordinates.
        var b = new double[n, n];
        var rowMean = new double[n];
        double all = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++) rowMean[i] += dist[i, j] * dist[i, j] / n;
            all += rowMean[i] / n;
        }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                b[i, j] = -0.5 * (dist[i, j] * dist[i, j] - rowMean[i] - rowMean[j] + all);
        var us = TruncatedSvd.Compute(b, 2).RowScores;
        var coords = PadToTwo(us, n);
        for (int k = 0; k < 2; k++)
        {
            double s = 0;
            for (int i = 0; i < n; i++) s += coords[i, k] * coords[i, k];
            var sigma = Math.Sqrt(s);
            if (sigma < 1e-12) continue;
            var scale = Math.Sqrt(sigma) / sigma; // U*S -> U*sqrt(S)
            for (int i = 0; i < n; i++) coords[i, k] *= scale;
        }
        return coords;
    }

    private static double[,] PadToTwo(double[,] x, int n)
    {
        var r = new double[n, 2];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < Math.Min(2, x.GetLength(1)); k++) r[i, k] = x[i, k];
        return r;
    }
}
