using Locus.Atlas;
using Locus.Atlas.Encoding;
using Locus.Atlas.Training;
using Locus.Retrieval.Embeddings;
using Locus.Tests.TestSupport;

namespace Locus.Tests.Atlas;

/// <summary>The sentence query encoding over a corpus index's encoder, exercised with the lexical encoder.</summary>
public sealed class SentenceQueryEncoderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("locus-atlas-sent-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A corpus index folder as 'locus corpus' leaves it: encoder.json and the lexical statistics.</summary>
    private string LexicalIndex(IEnumerable<string> texts, int dimension = 128)
    {
        var index = Path.Combine(_dir, "index");
        Directory.CreateDirectory(index);
        var spec = new EncoderSpec { Name = EncoderSpec.Lexical, Dimension = dimension };
        spec.Save(index);
        spec.Create(index, () => texts);
        return index;
    }

    private static double Cosine(float[] a, float[] b) =>
        a.Zip(b, (x, y) => (double)x * y).Sum() / Math.Sqrt(a.Sum(x => (double)x * x) * b.Sum(x => (double)x * x));

    [Fact]
    public void SeparatesTopicsAndRoundTripsThroughTheStore()
    {
        var (table, _, topic) = SyntheticAtlasData.Clusters(2, 60, seed: 5);
        var index = LexicalIndex(table.QueryTexts.Values);
        var encoder = QueryEncoderFactory.Fit(table, table.Models, QueryEncodingKind.Auto, 4, cacheDirectory: null, sentenceEncoderIndex: index);
        Assert.Equal(SentenceQueryEncoder.KindName, encoder.Kind);
        Assert.Equal(4, encoder.Dimension);

        var e = table.Queries.Select(q => encoder.Encode(q, table.QueryTexts[q])).ToArray();
        double same = 0, diff = 0; int ns = 0, nd = 0;
        for (int i = 0; i < e.Length; i++)
            for (int j = i + 1; j < e.Length; j++)
                if (topic[i] == topic[j]) { same += Cosine(e[i], e[j]); ns++; } else { diff += Cosine(e[i], e[j]); nd++; }
        Assert.True(same / ns > diff / nd + 0.5, $"same-topic cosine {same / ns:F3}, cross-topic {diff / nd:F3}");
        // Standardised on the fitted texts: every component has mean 0 and unit variance there.
        for (int k = 0; k < encoder.Dimension; k++)
        {
            var column = e.Select(v => (double)v[k]).ToArray();
            Assert.Equal(0, column.Average(), 4);
            Assert.Equal(1, Math.Sqrt(column.Select(x => x * x).Average()), 3);
        }

        var path = Path.Combine(_dir, "s.qenc");
        QueryEncoderStore.Save(encoder, path);
        var loaded = QueryEncoderStore.Load(path);
        Assert.Equal(SentenceQueryEncoder.KindName, loaded.Kind);
        const string unseen = "a brand new acid reaction question";
        var before = encoder.Encode("new", unseen);
        var after = loaded.Encode("new", unseen);
        for (int k = 0; k < before.Length; k++) Assert.Equal(before[k], after[k], 1e-6);
        Assert.Equal(e[7], loaded.Encode("q7", table.QueryTexts["q7"]));
        Assert.Throws<LocusException>(() => loaded.Encode("q7", null));

        // The index's encoder changed (another dimension): the stored network no longer fits its vectors.
        new EncoderSpec { Name = EncoderSpec.Lexical, Dimension = 64 }.Save(index);
        Assert.Contains("retrain the atlas", Assert.Throws<LocusException>(() => QueryEncoderStore.Load(path)).Message);
    }

    [Fact]
    public void AnAtlasBuiltWithTheSentenceEncodingSavesLoadsAndRoutesNewText()
    {
        var (table, _, _) = SyntheticAtlasData.Clusters(2, 40, seed: 6);
        var index = LexicalIndex(table.QueryTexts.Values);
        var encoder = QueryEncoderFactory.Fit(table, table.Models, QueryEncodingKind.Sentence, 4, sentenceEncoderIndex: index);
        var options = new AtlasTrainingOptions { Seed = 1, MaxSteps = 3, ModelsPerStep = 2, SupportMin = 4, SupportMax = 16, TargetsPerEpisode = 8, Network = LocusNetworkTests.Tiny(4) };
        using var atlas = AtlasTrainer.Train(table, encoder, new AtlasTrainingSplit(table.Models, [], table.Queries, []), options);
        var folder = Path.Combine(_dir, "atlas");
        atlas.Save(folder);
        using var loaded = ModelAtlas.Load(folder);
        Assert.Equal(SentenceQueryEncoder.KindName, loaded.Encoder.Kind);
        Assert.Equal(atlas.Models[0].Embedding, loaded.Models[0].Embedding);
        var query = loaded.EncodeQuery("new", "which acid bond breaks in this reaction");
        var p = loaded.PredictCorrectness(loaded.Models.Select(m => m.Name).ToArray(), [query]);
        var q = atlas.PredictCorrectness(atlas.Models.Select(m => m.Name).ToArray(), [query]);
        Assert.Equal(q[0, 0], p[0, 0], 6);
    }

    [Fact]
    public async Task TrainCommandUsesTheEncoderOfAnIndexFolder()
    {
        var (table, _, _) = SyntheticAtlasData.Clusters(2, 30, seed: 7);
        var index = LexicalIndex(table.QueryTexts.Values);
        var data = Path.Combine(_dir, "evals.jsonl");
        File.WriteAllLines(data, table.Records().Select(r => System.Text.Json.JsonSerializer.Serialize(new { model = r.Model, query_id = r.QueryId, query_text = r.QueryText, score = r.Score })));
        var atlas = Path.Combine(_dir, "atlas");
        var train = await CliRun.Locus(["atlas", "train", "--data", data, "--out", atlas, "--encoder-index", index, "--encoding-dim", "3",
            "--max-steps", "2", "--hidden-size", "16", "--latents", "4", "--embedding-dim", "8", "--factor-dim", "3", "--support-max", "16", "--cache", "none"]);
        Assert.True(train.Code == 0, train.Err);
        var show = await CliRun.Locus("atlas", "show", "--atlas", atlas, "--json");
        Assert.Contains("\"sentence\"", show.Out);
        var missing = await CliRun.Locus(["atlas", "train", "--data", data, "--out", atlas, "--encoding", "Sentence", "--cache", "none"]);
        Assert.Equal(1, missing.Code);
        Assert.Contains("--encoder-index", missing.Err);
    }
}
