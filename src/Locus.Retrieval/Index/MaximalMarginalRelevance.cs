namespace Locus.Retrieval.Index;

/// <summary>
/// Maximal marginal relevance (Carbonell &amp; Goldstein, 1998): picks results one at a time, each maximising
/// λ·sim(query, d) − (1−λ)·max over already picked p of sim(d, p), so near-copies of a picked result lose to
/// slightly less relevant but different ones.
/// </summary>
public static class MaximalMarginalRelevance
{
    /// <summary>
    /// Selects <paramref name="k"/> of <paramref name="candidates"/> (scores = similarity to the query);
    /// <paramref name="vectorOf"/> returns a candidate's unit vector. Returned hits keep their query similarity.
    /// </summary>
    public static SearchHit[] Select(IReadOnlyList<SearchHit> candidates, int k, float lambda, Func<int, float[]> vectorOf)
    {
        if (lambda is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(lambda), "MMR lambda must be between 0 and 1");
        var vectors = candidates.Select(c => vectorOf(c.Id)).ToArray();
        // Highest similarity of each candidate to anything picked so far.
        var redundancy = Enumerable.Repeat(float.NegativeInfinity, candidates.Count).ToArray();
        var picked = new bool[candidates.Count];
        var result = new List<SearchHit>(Math.Min(k, candidates.Count));
        while (result.Count < k && result.Count < candidates.Count)
        {
            var best = -1;
            var bestValue = float.NegativeInfinity;
            for (var i = 0; i < candidates.Count; i++)
            {
                if (picked[i]) continue;
                var penalty = result.Count == 0 ? 0 : redundancy[i];
                var value = lambda * candidates[i].Score - (1 - lambda) * penalty;
                if (value > bestValue) (best, bestValue) = (i, value);
            }
            picked[best] = true;
            result.Add(candidates[best]);
            for (var i = 0; i < candidates.Count; i++)
                if (!picked[i]) redundancy[i] = Math.Max(redundancy[i], System.Numerics.Tensors.TensorPrimitives.Dot(vectors[i], vectors[best]));
        }
        return [.. result];
    }
}
