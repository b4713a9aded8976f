using Locus.Tests.TestSupport;
using Locus.Cli;

namespace Locus.Tests.Atlas;

public sealed class AtlasCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("locus-atlas-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static Task<(int Code, string Out, string Err)> Run(params string[] args) => CliRun.Locus(args);

    [Fact]
    public async Task TrainAddShowNeighborsRouteAndMapWorkEndToEnd()
    {
        var (table, _, _) = SyntheticAtlasData.Clusters(3, 30, seed: 4);
        var first = Path.Combine(_dir, "first.jsonl");
        var later = Path.Combine(_dir, "later.jsonl");
        string Line(Locus.Atlas.Data.EvaluationRecord r) => System.Text.Json.JsonSerializer.Serialize(new { model = r.Model, query_id = r.QueryId, score = r.Score, cost = r.Cost });
        File.WriteAllLines(first, table.Records().Where(r => r.Model != table.Models[^1]).Select(Line));
        File.WriteAllLines(later, table.RecordsOf(table.Models.Count - 1).Select(Line));
        var atlas = Path.Combine(_dir, "atlas");
        var tiny = new[] { "--max-steps", "4", "--hidden-size", "16", "--latents", "4", "--embedding-dim", "8", "--factor-dim", "3", "--support-max", "16", "--cache", "none" };
        var train = await Run(["atlas", "train", "--data", first, "--out", atlas, "--encoding-dim", "3", .. tiny]);
        Assert.True(train.Code == 0, train.Err);
        JsonPolicyAssert.LocusFile(Path.Combine(atlas, "atlas.json"), Locus.Atlas.AtlasStore.ManifestFormat);

        var refused = await Run("atlas", "add", "--atlas", atlas, "--data", later, "--encoding", "Lsa");
        Assert.Equal(1, refused.Code);
        Assert.Contains("refusing to mix", refused.Err);

        var add = await Run("atlas", "add", "--atlas", atlas, "--data", later);
        Assert.True(add.Code == 0, add.Err);
        var show = await Run("atlas", "show", "--atlas", atlas, "--json");
        Assert.Contains(table.Models[^1], show.Out);
        Assert.Contains("\"collaborative\"", show.Out);
        JsonPolicyAssert.SnakeCase(System.Text.Json.Nodes.JsonNode.Parse(show.Out));

        var neighbors = await Run("atlas", "neighbors", "--atlas", atlas, "--model", table.Models[0], "-k", "2", "--json");
        Assert.Equal(2, System.Text.Json.JsonDocument.Parse(neighbors.Out).RootElement.GetArrayLength());
        var agreeing = await Run("atlas", "neighbors", "--atlas", atlas, "--model", table.Models[0], "-k", "2", "--id", "q1,q2,q3", "--json");
        Assert.True(agreeing.Code == 0, agreeing.Err);
        Assert.All(System.Text.Json.JsonDocument.Parse(agreeing.Out).RootElement.EnumerateArray(),
            n => Assert.InRange(n.GetProperty("expected_disagreement").GetDouble(), 0, 1));

        var route = await Run("atlas", "route", "--atlas", atlas, "--id", "q1,q2", "--cost-weight", "0.01", "--json");
        Assert.True(route.Code == 0, route.Err);
        Assert.Equal(2, System.Text.Json.JsonDocument.Parse(route.Out).RootElement.GetArrayLength());

        var png = Path.Combine(_dir, "map.png");
        var map = await Run("atlas", "map", "--atlas", atlas, "--out", png, "--method", "Mds");
        Assert.True(map.Code == 0, map.Err);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, File.ReadAllBytes(png)[..4]);

        var unknown = await Run("atlas", "neighbors", "--atlas", atlas, "--model", "nope");
        Assert.Equal(1, unknown.Code);
        Assert.Contains("'nope' is not in the atlas", unknown.Err);
    }

    [Fact]
    public async Task MissingAtlasIsAUsageError()
    {
        var r = await Run("atlas", "show", "--atlas", Path.Combine(_dir, "none"));
        Assert.Equal(2, r.Code);
    }
}
