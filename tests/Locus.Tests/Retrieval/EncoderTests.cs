using System.Numerics.Tensors;
using Locus.Retrieval.Embeddings;

namespace Locus.Tests.Retrieval;

public class EncoderTests
{
    private static readonly string[] Corpus =
    [
        "I forgot my password and cannot log in to my account.",
        "The central bank raised interest rates by half a point.",
        "My card was declined at the supermarket this morning.",
        "The football team won the championship after extra time.",
        "How do I change the PIN of my debit card?",
        "Heavy rain is expected across the north of the country tomorrow.",
        "The new smartphone has a larger battery and a faster processor.",
        "Researchers sequenced the genome of a rare deep-sea fish.",
        "Where can I find the nearest cash machine?",
        "The museum opens a new exhibition of impressionist paintings.",
    ];

    // Everyday sentences fitted with the corpus, so idf sees function words ("can", "my", "the") as common,
    // as it would on any real corpus.
    private static readonly string[] Background =
    [
        "Can I ask you a question?", "How can I help you today?", "I can see the sea from my room.", "Where is my bag?",
        "How are you doing?", "My brother can swim.", "Where do you live?", "I think the train is late.",
        "Can you find the keys?", "The weather is nice.", "How do I get to the station?", "I lost my keys again.",
    ];

    [Theory]
    [InlineData("how can I reset a forgotten password", 0)]
    [InlineData("interest rate rise announced by the bank", 1)]
    [InlineData("why was my card declined", 2)]
    [InlineData("changing my card pin", 4)]
    [InlineData("rain forecast for tomorrow", 5)]
    [InlineData("an exhibition of paintings at the museum", 9)]
    public async Task LexicalEncoderFindsTheObviousNeighbour(string query, int expected)
    {
        var encoder = new LexicalEncoder(statistics: LexicalStatistics.Fit(Corpus.Concat(Background)));
        var vectors = await encoder.EncodeAsync(Corpus);
        var q = (await encoder.EncodeAsync([query]))[0];
        var best = Enumerable.Range(0, Corpus.Length).MaxBy(i => TensorPrimitives.Dot(vectors[i], q));
        Assert.Equal(expected, best);
    }

    [Fact]
    public async Task VectorsAreUnitLengthAndDeterministic()
    {
        var encoder = new LexicalEncoder();
        var a = await encoder.EncodeAsync(["Same text.", "Same text.", "", "!!!"]);
        Assert.Equal(1f, TensorPrimitives.Norm(a[0]), 5);
        Assert.Equal(a[0], a[1]);
        Assert.All(a[2], v => Assert.Equal(0f, v));   // nothing to encode stays zero, never NaN
        Assert.All(a[3], v => Assert.Equal(0f, v));
        Assert.Equal(512, a[0].Length);
    }

    [Fact]
    public void IdfDownweightsCommonWordsAndChangesTheModelId()
    {
        var statistics = LexicalStatistics.Fit(["the cat", "the dog", "the bird", "a fish"]);
        var plain = new LexicalEncoder();
        var weighted = new LexicalEncoder(statistics: statistics);
        Assert.NotEqual(plain.ModelId, weighted.ModelId);
        // "the cat" vs "the dog": they share only "the"; with idf "the" counts less, so they are less similar.
        var simPlain = TensorPrimitives.Dot(plain.Encode("the cat"), plain.Encode("the dog"));
        var simWeighted = TensorPrimitives.Dot(weighted.Encode("the cat"), weighted.Encode("the dog"));
        Assert.True(simWeighted < simPlain, $"{simWeighted} vs {simPlain}");
    }

    [Fact]
    public void StatisticsRoundTripAndDamageIsReported()
    {
        using var temp = new TempDirectory();
        var statistics = LexicalStatistics.Fit(Corpus);
        statistics.Save(temp.File("s.idf"));
        var loaded = LexicalStatistics.Load(temp.File("s.idf"));
        Assert.Equal((statistics.DocumentCount, statistics.Fingerprint), (loaded.DocumentCount, loaded.Fingerprint));
        var bytes = File.ReadAllBytes(temp.File("s.idf"));
        File.WriteAllBytes(temp.File("s.idf"), bytes[..1000]);
        Assert.Contains("truncated", Assert.Throws<LocusException>(() => LexicalStatistics.Load(temp.File("s.idf"))).Message);
    }

    [Fact]
    public async Task CacheServesRepeatsFromDiskAndDropsATornRecord()
    {
        using var temp = new TempDirectory();
        var inner = new CountingEncoder(new LexicalEncoder(new LexicalEncoderOptions { Dimension = 16 }));
        float[][] first;
        using (var cache = new CachedSentenceEncoder(inner, temp.Path))
        {
            first = await cache.EncodeAsync(["alpha beta", "gamma delta"]);
            var again = await cache.EncodeAsync(["gamma delta", "alpha beta", "new text"]);
            Assert.Equal(first[1], again[0]);
            Assert.Equal(first[0], again[1]);
            Assert.Equal(3, inner.Encoded);          // only "new text" reached the inner encoder the second time
            Assert.Equal((2L, 3L), (cache.Hits, cache.Misses));
        }

        string file;
        using (var reopened = new CachedSentenceEncoder(inner, temp.Path))
        {
            Assert.Equal(3, reopened.CachedCount);
            Assert.Equal(first[0], (await reopened.EncodeAsync(["alpha beta"]))[0]);
            Assert.Equal(3, inner.Encoded);
            file = reopened.FilePath;
        }
        using (var stream = new FileStream(file, FileMode.Append)) stream.Write(new byte[10]);   // a crash mid-record
        using (var repaired = new CachedSentenceEncoder(inner, temp.Path)) Assert.Equal(3, repaired.CachedCount);

        var other = new LexicalEncoder(new LexicalEncoderOptions { Dimension = 32 });
        using var separate = new CachedSentenceEncoder(other, temp.Path);
        Assert.Equal(0, separate.CachedCount);
        Assert.NotEqual(file, separate.FilePath);
    }

    private sealed class CountingEncoder(ISentenceEncoder inner) : ISentenceEncoder
    {
        public int Encoded { get; private set; }

        public string ModelId => inner.ModelId;

        public int Dimension => inner.Dimension;

        public Task<float[][]> EncodeAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
        {
            Encoded += texts.Count;
            return inner.EncodeAsync(texts, cancellationToken);
        }
    }
}
