using Locus.Retrieval.Index;

namespace Locus.Tests.Retrieval;

/// <summary>
/// Recall of the graph against exact search on uniform random unit vectors, the hardest input for a graph index.
/// The floors sit a little under what a textbook single-threaded HNSW (Malkov &amp; Yashunin, algorithms 1, 2, 4;
/// M = 16, ef_construction = 100) reaches on the same kind of data (64-d: 0.99 at ef 256; 128-d: 0.94 at ef 256,
/// 0.99 at ef 512), so a broken layer assignment, heap order, heuristic sign or racy parallel build fails them.
/// </summary>
public class HnswRecallTests
{
    private static double RecallAt10(int count, int dimension, int parallelism, int efSearch)
    {
        var vectors = RandomVectors.Unit(count, dimension, seed: 21);
        using var index = VectorIndex.Create("test", dimension, new VectorIndexOptions
        {
            Hnsw = new HnswOptions { M = 16, EfConstruction = 100, MaxDegreeOfParallelism = parallelism },
        });
        index.Add(vectors, RandomVectors.Metadata(count));
        var queries = RandomVectors.Unit(100, dimension, seed: 22);
        var found = 0;
        foreach (var query in queries)
        {
            var exact = index.Search(query, new IndexSearchOptions { K = 10, Exact = true }).Select(h => h.Row).ToHashSet();
            found += index.Search(query, new IndexSearchOptions { K = 10, EfSearch = efSearch }).Count(h => exact.Contains(h.Row));
        }
        return found / (10.0 * queries.Length);
    }

    [Fact]
    public void Random64DimensionsReachesHighRecallAtModerateEf()
    {
        // More threads than cores so inserts interleave and races on link lists would show.
        var recall = RecallAt10(10_000, 64, parallelism: 4, efSearch: 200);
        Assert.True(recall >= 0.95, $"recall@10 = {recall:0.000}");
    }

    [Fact]
    public void Random128DimensionsReachesTextbookRecall()
    {
        var recall = RecallAt10(10_000, 128, parallelism: 2, efSearch: 512);
        Assert.True(recall >= 0.97, $"recall@10 = {recall:0.000}");
    }
}
