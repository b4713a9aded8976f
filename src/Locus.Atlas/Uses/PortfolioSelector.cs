namespace Locus.Atlas.Uses;

/// <summary>A chosen set of models.</summary>
/// <param name="Models">Chosen models, in selection order.</param>
/// <param name="Coverage">Mean over queries of the best predicted P(correct) within the portfolio.</param>
/// <param name="DiverseCoverage">Coverage of the farthest-point portfolio before refinement.</param>
public sealed record Portfolio(IReadOnlyList<string> Models, double Coverage, double DiverseCoverage);

/// <summary>
/// Portfolio selection: farthest-point sampling over embeddings for diversity (starting from the model with the highest
/// mean predicted correctness), then swap refinement that raises predicted coverage of the query set.
/// </summary>
public static class PortfolioSelector
{
    /// <summary>Selects <paramref name="size"/> models among <paramref name="candidates"/> (default: all) for the encoded query set.</summary>
    public static Portfolio Select(ModelAtlas atlas, int size, IReadOnlyList<float[]> queryEncodings, IReadOnlyList<string>? candidates = null)
    {
        var pool = (candidates ?? atlas.Models.Select(m => m.Name).ToArray()).Distinct().ToArray();
        if (size < 1) throw new LocusException("the portfolio size must be at least 1");
        if (size > pool.Length) throw new LocusException($"a portfolio of {size} needs at least {size} candidate models; there are {pool.Length}");
        if (queryEncodings.Count == 0) throw new LocusException("portfolio selection needs at least one query");
        var p = atlas.PredictCorrectness(pool, queryEncodings);
        var distances = AtlasGeometry.DistanceMatrix(pool.Select(m => atlas[m].Embedding).ToArray());
        var chosen = FarthestPoint(p, distances, size);
        double diverse = Coverage(p, chosen);
        Refine(p, chosen);
        return new Portfolio(chosen.Select(i => pool[i]).ToArray(), Coverage(p, chosen), diverse);
    }

    /// <summary>Mean over queries of the highest probability among the <paramref name="rows"/> of <paramref name="p"/> [models, queries].</summary>
    public static double Coverage(double[,] p, IReadOnlyList<int> rows)
    {
        int n = p.GetLength(1);
        double sum = 0;
        for (int q = 0; q < n; q++)
        {
            double best = 0;
            foreach (var r in rows) best = Math.Max(best, p[r, q]);
            sum += best;
        }
        return sum / n;
    }

    private static List<int> FarthestPoint(double[,] p, double[,] distances, int size)
    {
        int m = p.GetLength(0), n = p.GetLength(1);
        int first = Enumerable.Range(0, m).MaxBy(i => Enumerable.Range(0, n).Sum(q => p[i, q]));
        var chosen = new List<int> { first };
        while (chosen.Count < size)
        {
            int next = Enumerable.Range(0, m).Where(i => !chosen.Contains(i)).MaxBy(i => chosen.Min(c => distances[i, c]));
            chosen.Add(next);
        }
        return chosen;
    }

    /// <summary>Best-improvement swaps (one chosen model for one unchosen) until coverage stops rising.</summary>
    private static void Refine(double[,] p, List<int> chosen)
    {
        int m = p.GetLength(0);
        double current = Coverage(p, chosen);
        for (int round = 0; round < 100; round++)
        {
            (int Slot, int Model, double Value) best = (-1, -1, current);
            for (int slot = 0; slot < chosen.Count; slot++)
                for (int i = 0; i < m; i++)
                {
                    if (chosen.Contains(i)) continue;
                    var trial = chosen.ToList();
                    trial[slot] = i;
                    var v = Coverage(p, trial);
                    if (v > best.Value + 1e-12) best = (slot, i, v);
                }
            if (best.Slot < 0) return;
            chosen[best.Slot] = best.Model;
            current = best.Value;
        }
    }
}
