using Locus.Retrieval.Index;

namespace Locus.Tests.Retrieval;

public class ExactSearchTests
{
    [Theory]
    [InlineData(500, 16)]
    [InlineData(70_000, 8)]   // more than one 65,536-row partition: exercises the parallel merge
    public void TopKMatchesBruteForce(int count, int dimension)
    {
        var vectors = RandomVectors.Unit(count, dimension, seed: 1);
        using var index = VectorIndex.Create("test", dimension, new VectorIndexOptions { Hnsw = null });
        index.Add(vectors, RandomVectors.Metadata(count));
        foreach (var query in RandomVectors.Unit(5, dimension, seed: 2))
        {
            var expected = RandomVectors.BruteForce(vectors, query, 10);
            var hits = index.Search(query, new IndexSearchOptions { K = 10 });
            Assert.Equal(expected, hits.Select(h => h.Row));
            Assert.Equal(vectors[expected[0]].Zip(query, (a, b) => a * b).Sum(), hits[0].Score, 4);
        }
    }

    [Fact]
    public void DeletedRowsAreNeverReturned()
    {
        var vectors = RandomVectors.Unit(200, 8, seed: 3);
        using var index = VectorIndex.Create("test", 8, new VectorIndexOptions { Hnsw = new HnswOptions { MaxDegreeOfParallelism = 1 } });
        index.Add(vectors, RandomVectors.Metadata(200));
        var query = vectors[17];
        index.Delete(17);
        foreach (var exact in new[] { true, false })
        {
            var hits = index.Search(query, new IndexSearchOptions { K = 5, Exact = exact });
            Assert.DoesNotContain(hits, h => h.Row == 17);
            Assert.Equal(5, hits.Count);
        }
        Assert.Equal(199, index.LiveCount);
    }

    [Fact]
    public void AddNormalisesVectorsAndRejectsWrongDimension()
    {
        using var index = VectorIndex.Create("test", 2, new VectorIndexOptions { Hnsw = null });
        index.Add([[3f, 4f]], RandomVectors.Metadata(1));
        Assert.Equal([0.6f, 0.8f], index.GetVector(0));
        var error = Assert.Throws<LocusException>(() => index.Add([[1f, 2f, 3f]], RandomVectors.Metadata(1)));
        Assert.Contains("expects 2", error.Message);
    }
}
