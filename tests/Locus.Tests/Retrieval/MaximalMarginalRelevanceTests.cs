using Locus.Retrieval.Index;

namespace Locus.Tests.Retrieval;

public class MaximalMarginalRelevanceTests
{
    [Fact]
    public void NearCopyOfTheTopHitLosesToADifferentResult()
    {
        // Query along x. A and A' are almost the same direction (0.9 relevance); B is less relevant (0.7) but
        // points elsewhere. Plain top-2 = {A, A'}; MMR with λ = 0.5 = {A, B}.
        var a = Unit(0.9f, 0.436f, 0f);
        var aCopy = Unit(0.89f, 0.45f, 0.07f);
        var b = Unit(0.7f, -0.714f, 0f);
        using var index = VectorIndex.Create("m", 3, new VectorIndexOptions { Hnsw = null });
        index.Add([a, aCopy, b], RandomVectors.Metadata(3));
        var query = new[] { 1f, 0f, 0f };

        Assert.Equal([0, 1], index.Search(query, new IndexSearchOptions { K = 2 }).Select(h => h.Row));
        Assert.Equal([0, 2], index.Search(query, new IndexSearchOptions { K = 2, MmrLambda = 0.5f }).Select(h => h.Row));
        // λ = 1 is pure relevance again.
        Assert.Equal([0, 1], index.Search(query, new IndexSearchOptions { K = 2, MmrLambda = 1f }).Select(h => h.Row));
    }

    [Fact]
    public void HandComputedScores()
    {
        // Candidates with query similarity 0.9, 0.8, 0.5; sim(0,1) = 1 (same vector), sim(0,2) = 0.
        float[][] vectors = [[1, 0], [1, 0], [0, 1]];
        var picked = MaximalMarginalRelevance.Select([new(0, 0.9f), new(1, 0.8f), new(2, 0.5f)], 2, 0.7f, id => vectors[id]);
        // Step 2: cand 1 = 0.7·0.8 − 0.3·1 = 0.26; cand 2 = 0.7·0.5 − 0.3·0 = 0.35 → 2 wins.
        Assert.Equal([0, 2], picked.Select(p => p.Id));
        Assert.Equal(0.5f, picked[1].Score);
    }

    private static float[] Unit(float x, float y, float z)
    {
        var n = MathF.Sqrt(x * x + y * y + z * z);
        return [x / n, y / n, z / n];
    }
}
