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

    [Theory]
    [InlineData(VectorDataType.Float32, 3_000)]
    [InlineData(VectorDataType.Float16, 3_000)]
    [InlineData(VectorDataType.Int8, 3_000)]
    [InlineData(VectorDataType.Float32, 70_000)]   // partitions scanned in parallel, rows from several in-memory chunks
    public void ManyQueriesAtOnceGiveEachQuerysOwnTopK(VectorDataType dataType, int count)
    {
        const int dimension = 37;   // not a multiple of the SIMD width: the kernel's scalar tail counts
        var vectors = RandomVectors.Unit(count, dimension, seed: 4);
        using var index = VectorIndex.Create("test", dimension, new VectorIndexOptions { DataType = dataType, Hnsw = null });
        index.Add(vectors, RandomVectors.Metadata(count));
        index.Delete(5);
        // 70 queries: one full block of 64 (groups of four) and a block of 6 (a group of four and two single queries).
        var queries = RandomVectors.Unit(70, dimension, seed: 5);
        queries[3] = vectors[5];
        var decoded = Enumerable.Range(0, count).Select(index.GetVector).ToArray();
        var batched = index.SearchMany(queries, new IndexSearchOptions { K = 10, Exact = true });
        for (var q = 0; q < queries.Length; q++)
        {
            var expected = RandomVectors.BruteForce(decoded, queries[q], 11).Where(row => row != 5).Take(10);
            Assert.Equal(expected, batched[q].Select(h => h.Row));
            Assert.Equal(expected, index.Search(queries[q], new IndexSearchOptions { K = 10, Exact = true }).Select(h => h.Row));
            Assert.Equal(decoded[batched[q][0].Row].Zip(queries[q], (a, b) => a * b).Sum(), batched[q][0].Score, 4);
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
