namespace Locus.Atlas.Baselines;

/// <summary>
/// k-nearest-neighbour router: a new model's P(correct) on a query is its mean score on the k probed queries whose
/// encodings are most cosine-similar to it. Needs no training.
/// </summary>
public sealed class KnnRouterBaseline(int neighbours = 10) : ICorrectnessMethod
{
    private float[][] _normalised = [];

    /// <inheritdoc />
    public string Name => "knn-router";

    /// <inheritdoc />
    public void Fit(BaselineContext context) =>
        _normalised = context.Encodings.Select(e =>
        {
            var norm = Math.Sqrt(e.Sum(v => (double)v * v));
            return e.Select(v => (float)(norm > 0 ? v / norm : 0)).ToArray();
        }).ToArray();

    /// <inheritdoc />
    public double[,] PredictNewModels(IReadOnlyList<ProbeSet> probes, int[] targetQueries)
    {
        var result = new double[probes.Count, targetQueries.Length];
        for (int m = 0; m < probes.Count; m++)
        {
            int k = Math.Min(neighbours, probes[m].Queries.Length);
            for (int t = 0; t < targetQueries.Length; t++)
            {
                var target = _normalised[targetQueries[t]];
                var nearest = probes[m].Queries.Select((q, i) => (Similarity: Dot(target, _normalised[q]), Score: probes[m].Scores[i]))
                    .OrderByDescending(p => p.Similarity).Take(k);
                result[m, t] = nearest.Average(p => p.Score);
            }
        }
        return result;
    }

    private static double Dot(float[] a, float[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }
}
