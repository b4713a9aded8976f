using Locus.Retrieval.Embeddings;
using Locus.Retrieval.Index;
using Locus.Retrieval.VectorData;
using Microsoft.Extensions.VectorData;

namespace Locus.Tests.Retrieval;

public class VectorCollectionTests
{
    [Fact]
    public async Task CollectionUpsertsSearchesGetsAndDeletesThroughTheAbstraction()
    {
        using var temp = new TempDirectory();
        var encoder = new LexicalEncoder(new LexicalEncoderOptions { Dimension = 128 });
        using var index = VectorIndex.Create(encoder.ModelId, encoder.Dimension);
        using VectorStoreCollection<ulong, CorpusRecord> collection = new LocusVectorCollection("corpus", index, encoder, temp.File("i.lvi"));

        await collection.UpsertAsync(
        [
            new CorpusRecord { Key = 1, Text = "The cat sat on the mat.", Source = "a.txt", Line = 1 },
            new CorpusRecord { Key = 2, Text = "Stock prices fell sharply today.", Source = "b.txt", Line = 4 },
            new CorpusRecord { Key = 3, Text = "A cat was sitting on a mat.", Source = "b.txt", Line = 9 },
        ]);

        var results = await collection.SearchAsync("cat on the mat", 2).ToListAsync();
        Assert.Equal([1UL, 3UL], results.Select(r => r.Record.Key).Order());
        Assert.All(results, r => Assert.True(r.Score > 0.3));

        var filtered = await collection.SearchAsync("cat on the mat", 2, new VectorSearchOptions<CorpusRecord> { Filter = r => r.Source == "b.txt" }).ToListAsync();
        Assert.Equal(3UL, filtered[0].Record.Key);

        var got = await collection.GetAsync(2, new RecordRetrievalOptions { IncludeVectors = true });
        Assert.Equal(("Stock prices fell sharply today.", 4L), (got!.Text, got.Line));
        Assert.Equal(encoder.Encode(got.Text), got.Embedding!.Value.ToArray());

        await collection.UpsertAsync(new CorpusRecord { Key = 2, Text = "Bond yields rose.", Source = "b.txt", Line = 5 });
        Assert.Equal("Bond yields rose.", (await collection.GetAsync(2))!.Text);
        await collection.DeleteAsync(1);
        Assert.Null(await collection.GetAsync(1));
        Assert.Equal([2UL, 3UL], (await collection.GetAsync(r => r.Source == "b.txt", 10).ToListAsync()).Select(r => r.Key).Order());

        ((LocusVectorCollection)collection).Save();
        using var reopened = VectorIndex.Open(temp.File("i.lvi"));
        Assert.Equal(2, reopened.LiveCount);
        Assert.Equal("locus", ((VectorStoreCollectionMetadata)collection.GetService(typeof(VectorStoreCollectionMetadata))!).VectorStoreSystemName);
    }
}
