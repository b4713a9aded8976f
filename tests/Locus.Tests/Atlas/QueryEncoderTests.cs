using Locus.Atlas.Data;
using Locus.Atlas.Encoding;

namespace Locus.Tests.Atlas;

public sealed class QueryEncoderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("locus-atlas-enc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static double Cosine(float[] a, float[] b) =>
        a.Zip(b, (x, y) => (double)x * y).Sum() / Math.Sqrt(a.Sum(x => (double)x * x) * b.Sum(x => (double)x * x));

    [Fact]
    public void LsaPutsSameTopicTextsCloserAndFoldsInNewText()
    {
        var (table, _, topic) = SyntheticAtlasData.Clusters(2, 60, seed: 1);
        var encoder = LsaQueryEncoder.Fit(table.Queries.Select(q => table.QueryTexts[q]).ToArray(), dimension: 4);
        Assert.Equal(4, encoder.Dimension);
        var chem = encoder.Encode("new", "acid reaction molecule bond");
        var poem = encoder.Encode("new2", "sonnet stanza rhyme verse");
        var chemQuery = encoder.Encode("q0", table.QueryTexts["q0"]); // topic 0 = chemistry
        Assert.Equal(0, topic[0]);
        Assert.True(Cosine(chem, chemQuery) > Cosine(poem, chemQuery) + 0.3);
        Assert.Throws<LocusException>(() => encoder.Encode("x", null));
    }

    [Fact]
    public void LsaTokenizerLowercasesAndSplitsOnNonWordCharacters() =>
        Assert.Equal(["hello", "world", "42", "été"], LsaQueryEncoder.Tokenize("Hello, WORLD! 42 été"));

    [Fact]
    public void CollaborativeEncodingSeparatesTopicsAndRefusesUnknownIds()
    {
        var (table, _, topic) = SyntheticAtlasData.Clusters(4, 90, seed: 2);
        var encoder = CollaborativeQueryEncoder.Fit(table, table.Models, dimension: 3);
        var e = table.Queries.Select(q => encoder.Encode(q, null)).ToArray();
        double same = 0, diff = 0; int ns = 0, nd = 0;
        for (int i = 0; i < e.Length; i++)
            for (int j = i + 1; j < e.Length; j++)
                if (topic[i] == topic[j]) { same += Cosine(e[i], e[j]); ns++; } else { diff += Cosine(e[i], e[j]); nd++; }
        Assert.True(same / ns > diff / nd + 0.5, $"same-topic cosine {same / ns:F3}, cross-topic {diff / nd:F3}");
        Assert.Throws<LocusException>(() => encoder.Encode("nope", "text"));
    }

    [Fact]
    public void TheCollaborativeEncodingCarriesTheQueryDifficulty()
    {
        var (table, _, _) = SyntheticAtlasData.Clusters(4, 90, seed: 2);
        var encoder = CollaborativeQueryEncoder.Fit(table, table.Models, dimension: 3);
        Assert.Equal(6, encoder.Dimension);
        // Standardised logit of the smoothed share of correct answers: ordered exactly like the share itself.
        var share = table.Queries.Select((q, i) => Enumerable.Range(0, table.Models.Count).Average(m => table.Score(m, i))).ToArray();
        var last = table.Queries.Select(q => (double)encoder.Encode(q, null)[^3]).ToArray();
        for (int i = 0; i < share.Length; i++)
            for (int j = 0; j < share.Length; j++)
                if (share[i] < share[j] - 1e-9) Assert.True(last[i] < last[j], $"query {i} ({share[i]:F3}) vs {j} ({share[j]:F3})");
    }

    [Fact]
    public void EncodersRoundTripThroughTheStoreAndTheCache()
    {
        var (table, _, _) = SyntheticAtlasData.Clusters(2, 30, seed: 3);
        var lsa = QueryEncoderFactory.Fit(table, table.Models, QueryEncodingKind.Lsa, 5, _dir);
        var again = QueryEncoderFactory.Fit(table, table.Models, QueryEncodingKind.Lsa, 5, _dir);
        Assert.Single(Directory.GetFiles(_dir, "*.qenc"));
        Assert.Equal(lsa.Encode("q3", table.QueryTexts["q3"]), again.Encode("q3", table.QueryTexts["q3"]));
        var collab = QueryEncoderFactory.Fit(table, table.Models, QueryEncodingKind.Collaborative, 3, _dir);
        var path = Path.Combine(_dir, "c.qenc");
        QueryEncoderStore.Save(collab, path);
        var loaded = QueryEncoderStore.Load(path);
        Assert.Equal(CollaborativeQueryEncoder.KindName, loaded.Kind);
        Assert.Equal(collab.Encode("q7", null), loaded.Encode("q7", null));
    }

    [Fact]
    public void AutoPicksLsaOnlyWhenEveryQueryHasText()
    {
        var builder = new EvaluationTableBuilder();
        builder.Add(new EvaluationRecord("a", "q1", 1, "some text"));
        builder.Add(new EvaluationRecord("b", "q2", 0));
        builder.Add(new EvaluationRecord("a", "q2", 1));
        builder.Add(new EvaluationRecord("b", "q1", 0));
        var table = builder.Build();
        Assert.Equal("collaborative", QueryEncoderFactory.Fit(table, table.Models).Kind);
        Assert.Throws<LocusException>(() => QueryEncoderFactory.Fit(table, table.Models, QueryEncodingKind.Lsa));
    }
}
