using System.Buffers.Binary;
using Locus.Retrieval.Index;

namespace Locus.Tests.Retrieval;

public class PersistenceTests
{
    [Theory]
    [InlineData(VectorDataType.Float32, 0.0)]
    [InlineData(VectorDataType.Float16, 1e-3)]
    [InlineData(VectorDataType.Int8, 0.5 / 127)]
    public void RoundTripKeepsVectorsMetadataAndGraph(VectorDataType dataType, double tolerance)
    {
        using var temp = new TempDirectory();
        var path = temp.File("index.lvi");
        var vectors = RandomVectors.Unit(300, 24, seed: 5);
        var query = RandomVectors.Unit(1, 24, seed: 6)[0];
        IReadOnlyList<IndexHit> before;
        int[][] linksBefore;
        using (var index = VectorIndex.Create("model/x", 24, new VectorIndexOptions { DataType = dataType, Hnsw = new HnswOptions { M = 8, MaxDegreeOfParallelism = 1 } }))
        {
            index.Add(vectors, RandomVectors.Metadata(300));
            index.Delete(7);
            before = index.Search(query);
            linksBefore = Enumerable.Range(0, 300).Select(id => LinksOf(index, id)).ToArray();
            index.Save(path);
        }

        using var loaded = VectorIndex.Open(path);
        Assert.Equal(("model/x", 24, dataType, 300, 299), (loaded.ModelId, loaded.Dimension, loaded.DataType, loaded.Count, loaded.LiveCount));
        for (var row = 0; row < 300; row += 37)
        {
            var restored = loaded.GetVector(row);
            // int8 error is at most half a step of the vector's own scale (max |x| / 127).
            var bound = dataType == VectorDataType.Int8 ? tolerance * vectors[row].Max(Math.Abs) + 1e-6 : tolerance + 1e-7;
            for (var d = 0; d < 24; d++) Assert.True(Math.Abs(restored[d] - vectors[row][d]) <= bound, $"row {row} dim {d}: {restored[d]} vs {vectors[row][d]}");
        }
        Assert.Equal(new VectorRecordMetadata(42, "text 42", "file0.txt", 43), loaded.GetMetadata(42));
        Assert.True(loaded.IsDeleted(7));
        Assert.Equal(before.Select(h => h.Row), loaded.Search(query).Select(h => h.Row));
        for (var id = 0; id < 300; id++) Assert.Equal(linksBefore[id], LinksOf(loaded, id));
    }

    [Fact]
    public void IncrementalAddAfterOpenThenSaveOverTheSameFile()
    {
        using var temp = new TempDirectory();
        var path = temp.File("index.lvi");
        var vectors = RandomVectors.Unit(400, 16, seed: 8);
        using (var index = VectorIndex.Create("m", 16))
        {
            index.Add(vectors[..200], RandomVectors.Metadata(200));
            index.Save(path);
        }
        using (var index = VectorIndex.Open(path))
        {
            index.Add(vectors[200..], RandomVectors.Metadata(200, offset: 200));
            index.Save(path);
            Assert.Equal(400, index.Count);
            Assert.Equal("text 300", index.GetMetadata(300).Text);
        }
        using var reopened = VectorIndex.Open(path);
        Assert.Equal(400, reopened.Count);
        Assert.Equal(399, reopened.MaxKey);
        Assert.Equal(350, reopened.Search(vectors[350], new IndexSearchOptions { K = 1 })[0].Row);
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void TruncatedFileGivesAClearError()
    {
        using var temp = new TempDirectory();
        var path = WriteSmallIndex(temp);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        var error = Assert.Throws<LocusException>(() => VectorIndex.Open(path));
        Assert.Contains(path, error.Message);
        Assert.Contains($"truncated: {bytes.Length - 100} bytes on disk, the header says {bytes.Length}", error.Message);

        File.WriteAllBytes(path, bytes[..50]);
        Assert.Contains("shorter than the 96-byte header", Assert.Throws<LocusException>(() => VectorIndex.Open(path)).Message);
    }

    [Fact]
    public void DamagedHeaderOrMagicOrLinksAreReported()
    {
        using var temp = new TempDirectory();
        var path = WriteSmallIndex(temp);
        var good = File.ReadAllBytes(path);

        var damaged = (byte[])good.Clone();
        damaged[16] ^= 1;   // dimension
        File.WriteAllBytes(path, damaged);
        Assert.Contains("header checksum mismatch", Assert.Throws<LocusException>(() => VectorIndex.Open(path)).Message);

        damaged = (byte[])good.Clone();
        damaged[0] = (byte)'X';
        File.WriteAllBytes(path, damaged);
        Assert.Contains("not a Locus vector index", Assert.Throws<LocusException>(() => VectorIndex.Open(path)).Message);

        // A layer-0 link pointing past the last row: the first link slot of row 0 in the graph section.
        damaged = (byte[])good.Clone();
        var graphOffset = BinaryPrimitives.ReadInt64LittleEndian(damaged.AsSpan(56));
        var level0 = (graphOffset + 24 + 50 + 3) / 4 * 4;
        BinaryPrimitives.WriteInt32LittleEndian(damaged.AsSpan((int)level0 + 4), 9999);
        File.WriteAllBytes(path, damaged);
        Assert.Contains("links to 9999, not a row", Assert.Throws<LocusException>(() => VectorIndex.Open(path)).Message);
    }

    private static string WriteSmallIndex(TempDirectory temp)
    {
        var path = temp.File("index.lvi");
        using var index = VectorIndex.Create("m", 8, new VectorIndexOptions { Hnsw = new HnswOptions { M = 4, MaxDegreeOfParallelism = 1 } });
        index.Add(RandomVectors.Unit(50, 8, seed: 9), RandomVectors.Metadata(50));
        index.Save(path);
        return path;
    }

    private static int[] LinksOf(VectorIndex index, int id) => index.Graph!.Neighbours(id, 0);
}
