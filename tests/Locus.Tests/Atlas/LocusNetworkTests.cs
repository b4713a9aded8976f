using Locus.Atlas;
using Locus.Atlas.Data;
using Locus.Atlas.Encoding;
using Locus.Atlas.Model;
using static TorchSharp.torch;

namespace Locus.Tests.Atlas;

public sealed class LocusNetworkTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("locus-atlas-net-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static LocusConfig Tiny(int queryDim) => new() { QueryDim = queryDim, HiddenSize = 16, NumLatents = 4, NumAttentionHeads = 2, EmbeddingDim = 8, FactorDim = 3, PredictorHiddenSize = 16 };

    private static (ModelAtlas Atlas, EvaluationTable Table) UntrainedAtlas(int seed = 0)
    {
        var (table, _, _) = SyntheticAtlasData.Clusters(2, 40, seed: 5);
        var encoder = CollaborativeQueryEncoder.Fit(table, table.Models, 4);
        random.manual_seed(seed);
        return (new ModelAtlas(new LocusNetwork(Tiny(encoder.Dimension)), encoder), table);
    }

    [Fact]
    public void ShufflingEvaluationsGivesTheSameEmbedding()
    {
        var (atlas, table) = UntrainedAtlas();
        using var _ = atlas;
        var records = table.RecordsOf(0).ToArray();
        var shuffled = records.ToArray();
        new Random(9).Shuffle(shuffled);
        Assert.NotEqual(records.Select(r => r.QueryId), shuffled.Select(r => r.QueryId));
        var a = atlas.Embed(records);
        var b = atlas.Embed(shuffled);
        Assert.Equal(8, a.Length);
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) < 1e-6, $"dim {i}: {a[i]} vs {b[i]}");
        // Different evaluations must move the embedding (guards against an encoder that ignores its input).
        var other = atlas.Embed(table.RecordsOf(1).ToArray());
        Assert.True(a.Zip(other, (x, y) => Math.Abs(x - y)).Max() > 1e-4);
    }

    [Fact]
    public void PaddedBatchesGiveTheSameEmbeddingsAsSingleSets()
    {
        random.manual_seed(3);
        using var network = new LocusNetwork(Tiny(3));
        network.eval();
        using var q = randn(2, 7, 3);
        using var s = (rand(2, 7) > 0.5).to_type(ScalarType.Float32);
        using var mask = tensor(new[] { true, true, true, true, true, true, true, true, true, true, false, false, false, false }, 2, 7);
        using var noGrad = no_grad();
        using var batch = network.Embed(q, s, mask);
        using var single = network.Embed(q[1..2, ..3], s[1..2, ..3], ones(1, 3, dtype: ScalarType.Bool));
        // Garbage in padded positions must not leak into the result.
        using var q2 = q.clone();
        q2[1, 5] = full(3, 100f);
        using var batch2 = network.Embed(q2, s, mask);
        Assert.True((batch[1] - single[0]).abs().max().item<float>() < 1e-5);
        Assert.True((batch - batch2).abs().max().item<float>() < 1e-6);
    }

    [Fact]
    public void AddingAModelLeavesTheOthersUnchangedAndSurvivesSaveLoad()
    {
        var (atlas, table) = UntrainedAtlas();
        using var _ = atlas;
        atlas.Add(table.Models[0], table.RecordsOf(0).ToArray());
        atlas.Add(table.Models[1], table.RecordsOf(1).ToArray());
        var before = atlas.Models.Select(m => m.Embedding.ToArray()).ToArray();
        var queries = table.Queries.Take(5).Select(q => atlas.EncodeQuery(q, null)).ToArray();
        var pBefore = atlas.PredictCorrectness([table.Models[0]], queries);
        atlas.Add(table.Models[2], table.RecordsOf(2).ToArray());
        Assert.Equal(3, atlas.Models.Count);
        Assert.Equal(before[0], atlas[table.Models[0]].Embedding);
        Assert.Equal(before[1], atlas[table.Models[1]].Embedding);
        Assert.Equal(pBefore, atlas.PredictCorrectness([table.Models[0]], queries));
        Assert.Throws<LocusException>(() => atlas.Add(table.Models[2], table.RecordsOf(2).ToArray()));

        atlas.Save(_dir);
        using var loaded = ModelAtlas.Load(_dir);
        Assert.Equal(atlas.Models.Select(m => m.Name), loaded.Models.Select(m => m.Name));
        for (int i = 0; i < 3; i++) Assert.Equal(atlas.Models[i].Embedding, loaded.Models[i].Embedding);
        // The loaded network computes the same embedding for a new model.
        Assert.Equal(atlas.Embed(table.RecordsOf(3).ToArray()), loaded.Embed(table.RecordsOf(3).ToArray()));
        Assert.Equal("collaborative", loaded.Encoder.Kind);
    }

    [Fact]
    public void AnAtlasRefusesAnEncoderOfTheWrongDimension()
    {
        var (table, _, _) = SyntheticAtlasData.Clusters(2, 20, seed: 1);
        var encoder = CollaborativeQueryEncoder.Fit(table, table.Models, 4);
        Assert.Throws<LocusException>(() => new ModelAtlas(new LocusNetwork(Tiny(encoder.Dimension + 1)), encoder));
    }
}
