using Locus.Retrieval.Index;

namespace Locus.Tests.Retrieval;

public class HnswTests
{
    private static (VectorIndex Index, float[][] Vectors) Build(int count, int dimension, int parallelism)
    {
        var vectors = RandomVectors.Unit(count, dimension, seed: 11);
        var index = VectorIndex.Create("test", dimension, new VectorIndexOptions
        {
            Hnsw = new HnswOptions { M = 16, EfConstruction = 100, EfSearch = 64, MaxDegreeOfParallelism = parallelism },
        });
        index.Add(vectors, RandomVectors.Metadata(count));
        return (index, vectors);
    }

    [Fact]
    public void RecallAt10IsAtLeast95PercentOfExact()
    {
        var (index, _) = Build(5000, 32, parallelism: 2);
        using (index)
        {
            var queries = RandomVectors.Unit(100, 32, seed: 12);
            var found = 0;
            foreach (var query in queries)
            {
                var exact = index.Search(query, new IndexSearchOptions { K = 10, Exact = true }).Select(h => h.Row).ToHashSet();
                found += index.Search(query, new IndexSearchOptions { K = 10 }).Count(h => exact.Contains(h.Row));
            }
            var recall = found / 1000.0;
            Assert.True(recall >= 0.95, $"recall@10 = {recall:0.000}");
        }
    }

    [Fact]
    public void GraphRespectsDegreeBoundsAndHasNoSelfLinks()
    {
        var (index, _) = Build(1000, 16, parallelism: 1);
        using (index)
        {
            var graph = index.Graph!;
            for (var id = 0; id < graph.Count; id++)
                for (var layer = 0; layer <= graph.LevelOf(id); layer++)
                {
                    var links = graph.Neighbours(id, layer);
                    Assert.True(links.Length <= (layer == 0 ? 2 * graph.M : graph.M));
                    Assert.DoesNotContain(id, links);
                    Assert.All(links, n => Assert.True(graph.LevelOf(n) >= layer));
                    Assert.Equal(links.Length, links.Distinct().Count());
                }
            Assert.Equal(graph.MaxLevel, graph.LevelOf(graph.EntryPoint));
        }
    }

    [Fact]
    public void SingleThreadedBuildIsReproducible()
    {
        var (a, _) = Build(500, 8, parallelism: 1);
        var (b, _) = Build(500, 8, parallelism: 1);
        using (a)
        using (b)
            for (var id = 0; id < 500; id++) Assert.Equal(a.Graph!.Neighbours(id, 0), b.Graph!.Neighbours(id, 0));
    }

    [Fact]
    public void InvalidParametersAreRejectedWithTheirName()
    {
        var error = Assert.Throws<LocusException>(() => VectorIndex.Create("t", 4, new VectorIndexOptions { Hnsw = new HnswOptions { M = 1 } }));
        Assert.Contains("M must be", error.Message);
    }
}
