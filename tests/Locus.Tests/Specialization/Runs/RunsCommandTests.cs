using System.Text.Json.Nodes;
using Locus.Cli;
using Locus.Specialization.Runs;

namespace Locus.Tests.Specialization.Runs;

public class RunsCommandTests : IDisposable
{
    private readonly RunTestStore _t = new();

    public void Dispose() => _t.Dispose();

    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await LocusCli.RunAsync(["runs", .. args, "--root", _t.Root], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>exp/v1 (dev.f1 0.80, rank 16), exp/v2 (dev.f1 0.85, rank 32), exp/v3 failed; other/v1 completed.</summary>
    private async Task RecordRunsAsync()
    {
        await _t.RecordAsync("exp", new JsonObject { ["rank"] = 16 }, new JsonObject { ["dev"] = new JsonObject { ["f1"] = 0.80 } }, kept: 100);
        await _t.RecordAsync("exp", new JsonObject { ["rank"] = 32 }, new JsonObject { ["dev"] = new JsonObject { ["f1"] = 0.85 } }, kept: 120);
        await _t.RecordAsync("exp", new JsonObject { ["rank"] = 64 }, [], kept: 0, finish: RunStatus.Failed);
        await _t.RecordAsync("other", [], new JsonObject { ["test"] = new JsonObject { ["accuracy"] = 0.5 } }, kept: 1);
    }

    [Fact]
    public async Task ListPrintsEveryVersionWithStatusKeyMetricAndPromotedMarker()
    {
        await RecordRunsAsync();
        Assert.Equal(0, (await Run("promote", "exp/v2")).Code);

        var (code, text, _) = await Run("list");
        Assert.Equal(0, code);
        Assert.Matches(@"exp\s+v2\s+completed\s+ner\s+dev\.f1=0\.8500\s+2026-11-24 \d\d:\d\d:\d\dZ\s+\*", text);
        Assert.Matches(@"exp\s+v3\s+failed\s+ner\s+-", text);

        (code, var json, _) = await Run("list", "--json");
        Assert.Equal(0, code);
        var rows = JsonNode.Parse(json)!.AsArray();
        Assert.Equal(["exp/1", "exp/2", "exp/3", "other/1"], rows.Select(r => $"{r!["name"]}/{r["version"]}"));
        Assert.Equal([false, true, false, false], rows.Select(r => r!["promoted"]!.GetValue<bool>()));
        Assert.Equal("failed", rows[2]!["status"]!.GetValue<string>());
        Assert.Equal(0.5, rows[3]!["key_metric"]!["value"]!.GetValue<double>());
        Assert.Equal("test.accuracy", rows[3]!["key_metric"]!["path"]!.GetValue<string>());

        (code, json, _) = await Run("list", "other", "--json");
        Assert.Equal((0, 1), (code, JsonNode.Parse(json)!.AsArray().Count));
    }

    [Fact]
    public async Task ShowDescribesARunAndMarksThePromotedVersion()
    {
        await RecordRunsAsync();
        await Run("promote", "exp/v1");

        var (code, text, _) = await Run("show", "exp/v1");
        Assert.Equal(0, code);
        Assert.StartsWith("exp/v1  [promoted]\n", text);
        Assert.Matches(@"rank\s+16", text);
        Assert.Matches(@"train\s+completed\s+10\.0s\s+kept=100", text);
        Assert.Contains("versions of exp:", text);

        (code, var json, _) = await Run("show", "exp", "--json");
        Assert.Equal(0, code);
        var shown = JsonNode.Parse(json)!;
        Assert.Equal("exp/v3", shown["run"]!.GetValue<string>());
        Assert.False(shown["promoted"]!.GetValue<bool>());
        Assert.Equal("failed", shown["manifest"]!["status"]!.GetValue<string>());
        Assert.Equal("out of memory", shown["manifest"]!["error"]!.GetValue<string>());
        Assert.Equal(3, shown["versions"]!.AsArray().Count);

        // A run folder given by path reads the same manifest.
        (code, json, _) = await Run("show", Path.Combine(_t.Root, "exp", "v1"), "--json");
        Assert.Equal(0, code);
        Assert.True(JsonNode.Parse(json)!["promoted"]!.GetValue<bool>());
    }

    [Fact]
    public async Task CompareReportsDifferingSettingsAndMetricDeltas()
    {
        await RecordRunsAsync();

        var (code, json, _) = await Run("compare", "exp/v1", "exp/v2", "--json");
        Assert.Equal(0, code);
        var comparison = JsonNode.Parse(json)!;
        var setting = comparison["settings"]!.AsArray().Single()!;
        Assert.Equal("rank", setting["path"]!.GetValue<string>());
        Assert.Equal(["16", "32"], setting["values"]!.AsArray().Select(v => v!.GetValue<string>()));
        var metric = comparison["metrics"]!.AsArray().Single()!;
        Assert.Equal("dev.f1", metric["path"]!.GetValue<string>());
        Assert.Equal(0.05, metric["deltas"]![1]!.GetValue<double>(), 12);
        var kept = comparison["stages"]![0]!["counts"]![0]!;
        Assert.Equal(20, kept["deltas"]![1]!.GetValue<long>());

        (code, var text, _) = await Run("compare", "exp/v1", "exp/v2");
        Assert.Equal(0, code);
        Assert.Matches(@"dev\.f1\s+0\.8000\s+0\.8500 \(\+0\.0500\)", text);
    }

    [Fact]
    public async Task PromoteAndRollbackPrintWhatChanged()
    {
        await RecordRunsAsync();

        Assert.Equal((0, "promoted exp/v1\n"), Pick(await Run("promote", "exp/v1", "--reason", "baseline", "--user", "ana")));
        Assert.Equal((0, "promoted exp/v2 (was v1)\n"), Pick(await Run("promote", "exp/v2")));
        Assert.Equal((0, "exp/v2 is already promoted\n"), Pick(await Run("promote", "exp/v2")));

        var (code, json, _) = await Run("rollback", "exp", "--json", "--reason", "regression");
        Assert.Equal(0, code);
        var record = JsonNode.Parse(json)!;
        Assert.Equal(1, record["promoted"]!.GetValue<int>());
        var last = record["history"]!.AsArray()[^1]!;
        Assert.Equal(("rollback", 2, "regression"), (last["action"]!.GetValue<string>(), last["previous"]!.GetValue<int>(), last["reason"]!.GetValue<string>()));
        Assert.Equal("ana", record["history"]![0]!["user"]!.GetValue<string>());
    }

    [Fact]
    public async Task RefusalsAndUnknownRunsHaveClearErrorsAndExitCodes()
    {
        await RecordRunsAsync();

        var (code, _, err) = await Run("promote", "exp/v3");
        Assert.Equal(1, code);
        Assert.Contains("exp/v3 is failed, not completed", err);
        Assert.Equal(0, (await Run("promote", "exp/v3", "--force")).Code);

        (code, _, err) = await Run("rollback", "other");
        Assert.Equal(1, code);
        Assert.Contains("run 'other' has no promoted version to roll back from", err);

        (code, _, err) = await Run("show", "nope");
        Assert.Equal(2, code);
        Assert.Contains("no run 'nope'", err);
        Assert.Contains("(runs: exp, other)", err);
        (code, _, err) = await Run("show", "exp/v9");
        Assert.Equal(2, code);
        Assert.Contains("run 'exp' has no version 9 (it has v1, v2, v3", err);
        Assert.Equal(2, (await Run("rollback", "nope")).Code);
        Assert.Equal(2, (await Run("compare", "exp/v1")).Code);
        Assert.Equal(2, (await Run("promote", "exp/v1", "--bogus")).Code);
    }

    [Fact]
    public async Task CorruptManifestIsNamedWithItsFileAndProblem()
    {
        await RecordRunsAsync();
        var path = Path.Combine(_t.Root, "exp", "v2", "run.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"status\": \"completed\"", "\"status\": \"finished\""));

        var (code, _, err) = await Run("show", "exp/v2");
        Assert.Equal(1, code);
        Assert.Contains(path, err);
        Assert.Contains("field 'status'", err);

        // The listing still shows the other runs, marks the broken one and exits 1.
        (code, var text, err) = await Run("list");
        Assert.Equal(1, code);
        Assert.Matches(@"exp\s+v2\s+corrupt", text);
        Assert.Matches(@"other\s+v1\s+completed", text);
        Assert.Contains(path, err);
    }

    [Fact]
    public async Task EmptyStoreAndHelp()
    {
        Assert.Equal((0, $"no runs in {_t.Root}\n"), Pick(await Run("list")));
        Assert.Equal((0, "[]\n"), Pick(await Run("list", "--json")));
        var (code, text, _) = await Run("promote", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--force", text);
    }

    private static (int, string) Pick((int Code, string Out, string Err) result) => (result.Code, result.Out);
}
