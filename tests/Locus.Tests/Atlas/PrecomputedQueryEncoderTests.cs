using System.Text.Json;
using Locus.Atlas.Encoding;
using Locus.Tests.TestSupport;

namespace Locus.Tests.Atlas;

public sealed class PrecomputedQueryEncoderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("locus-atlas-pre-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(params string[] lines)
    {
        var path = Path.Combine(_dir, $"enc-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    private static string Line(string id, params float[] vector) => JsonSerializer.Serialize(new { query_id = id, vector });

    [Fact]
    public void ReadsTheVectorsAsGivenAndSurvivesTheStore()
    {
        var path = Write(Line("q1", 1, 2, 3), "", Line("q2", -0.5f, 0, 4.25f), Line("extra", 0, 0, 1));
        var encoder = PrecomputedQueryEncoder.Read(path, ["q1", "q2"]);
        Assert.Equal((3, 3, "precomputed"), (encoder.Dimension, encoder.Count, encoder.Kind));
        Assert.Equal([-0.5f, 0, 4.25f], encoder.Encode("q2", "text is ignored"));
        Assert.Contains("has no precomputed encoding", Assert.Throws<LocusException>(() => encoder.Encode("q9", "a new query")).Message);

        var stored = Path.Combine(_dir, "enc.qenc");
        QueryEncoderStore.Save(encoder, stored);
        var loaded = QueryEncoderStore.Load(stored);
        Assert.Equal(encoder.Kind, loaded.Kind);
        Assert.Equal(encoder.Encode("q1", null), loaded.Encode("q1", null));
        Assert.Equal(encoder.Encode("extra", null), loaded.Encode("extra", null));
    }

    [Theory]
    [InlineData(":2: field 'vector': has 2 values; the first vector has 3")]
    [InlineData(":2: field 'query_id': 'q1' appears twice")]
    [InlineData(":1: not valid JSON")]
    [InlineData(":1: field 'vector': value 1 is not a finite number")]
    [InlineData(".jsonl: field 'query_id': 1 of the 2 queries have no encoding (the first: 'q2')")]
    public void BadFilesAreRefusedWithTheLineAndField(string expected)
    {
        var path = expected switch
        {
            _ when expected.Contains("has 2 values") => Write(Line("q1", 1, 2, 3), Line("q2", 1, 2)),
            _ when expected.Contains("twice") => Write(Line("q1", 1, 2, 3), Line("q1", 1, 2, 3)),
            _ when expected.Contains("not valid JSON") => Write("{\"query_id\": \"q1\", \"vector\": [1, 2"),
            _ when expected.Contains("finite") => Write("{\"query_id\": \"q1\", \"vector\": [1, \"x\"]}"),
            _ => Write(Line("q1", 1, 2, 3)),
        };
        var error = Assert.Throws<DataFormatException>(() => PrecomputedQueryEncoder.Read(path, ["q1", "q2"]));
        Assert.Contains(expected, error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void TheFactoryPicksItForAFileAndRefusesAMismatch()
    {
        var (table, _, _) = SyntheticAtlasData.Clusters(2, 12, seed: 3);
        var path = Write([.. table.Queries.Select((q, i) => Line(q, i, 1, -i))]);
        Assert.Equal("precomputed", QueryEncoderFactory.Fit(table, table.Models, precomputedEncodings: path).Kind);
        Assert.Throws<LocusException>(() => QueryEncoderFactory.Fit(table, table.Models, QueryEncodingKind.Collaborative, precomputedEncodings: path));
        Assert.Throws<LocusException>(() => QueryEncoderFactory.Fit(table, table.Models, QueryEncodingKind.Precomputed));
    }

    [Fact]
    public async Task AtlasTrainAndBenchTakeAnExternalProtocolsQueryEncodings()
    {
        var (table, _, _) = SyntheticAtlasData.Clusters(3, 30, seed: 4);
        var data = Path.Combine(_dir, "evals.jsonl");
        File.WriteAllLines(data, table.Records().Select(r => JsonSerializer.Serialize(new { model = r.Model, query_id = r.QueryId, score = r.Score })));
        var encodings = Write([.. table.Queries.Select((q, i) => Line(q, MathF.Sin(i), MathF.Cos(i), i % 3))]);
        var tiny = new[] { "--max-steps", "4", "--hidden-size", "16", "--latents", "4", "--embedding-dim", "8", "--factor-dim", "3", "--support-max", "16", "--cache", "none" };

        var atlas = Path.Combine(_dir, "atlas");
        var train = await CliRun.Locus(["atlas", "train", "--data", data, "--out", atlas, "--query-encodings", encodings, .. tiny]);
        Assert.True(train.Code == 0, train.Err);
        var show = await CliRun.Locus("atlas", "show", "--atlas", atlas, "--json");
        Assert.Contains("\"precomputed\"", show.Out);
        var route = await CliRun.Locus("atlas", "route", "--atlas", atlas, "--id", "q1,q2", "--json");
        Assert.True(route.Code == 0, route.Err);

        var report = Path.Combine(_dir, "bench.json");
        var bench = await CliRun.Locus(["atlas", "bench", "--data", data, "--query-encodings", encodings, "--seeds", "0", "--ks", "4", "--report", report, .. tiny]);
        Assert.True(bench.Code == 0, bench.Err);
        Assert.Contains("correctness_auc", bench.Out);
        Assert.Contains("\"precomputed\"", File.ReadAllText(report));
    }
}
