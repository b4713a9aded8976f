using System.Net;
using Locus.Data;
using Locus.Serving;
using Locus.Specialization.Runs;
using Locus.Tests.TestSupport;
using Locus.Training.FineTuning;

namespace Locus.Tests.Serving;

/// <summary><c>POST /v1/admin/reload</c>: <c>runs promote</c> and <c>rollback</c> take effect without a restart.</summary>
[Collection("Serving")]
public class ReloadTests(ServingFixture fixture)
{
    static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var folder in Directory.GetDirectories(from)) Copy(folder, Path.Combine(to, Path.GetFileName(folder)));
    }

    [Fact]
    public async Task ReloadServesTheVersionPromotedNowAndRollbackTakesEffectToo()
    {
        using var dir = new TempDir();
        var store = new RunStore(dir.File("runs"));
        async Task<RunReference> VersionFrom(string model)
        {
            var run = await store.CreateAsync(new RunRequest { Name = "ner-x", Task = DataTask.Ner });
            Copy(fixture.Folders[model], run.PathOf("model"));
            await run.CompleteAsync();
            return run.Reference;
        }
        var v1 = await VersionFrom("ner-a");
        var v2 = await VersionFrom("ner-b");
        await store.PromoteAsync(v1);

        await using var server = await LocusServer.StartAsync(new ServeOptions { Models = [dir.File("runs/ner-x")], Urls = ["http://127.0.0.1:0"], ApiKey = "k" });
        using var client = ServingClient.For(server);
        client.DefaultRequestHeaders.Add("X-Api-Key", "k");
        async Task<(string Run, string Labels)> Served()
        {
            var model = (await (await client.GetAsync("/v1/models")).JsonAsync())["models"]![0]!;
            return (model["run"]!.GetValue<string>(), string.Join(",", model["labels"]!.AsArray().Select(l => l!.GetValue<string>())));
        }
        Assert.Equal(("ner-x/v1", "PER,ORG,LOC"), await Served());

        await store.PromoteAsync(v2);
        Assert.Equal(("ner-x/v1", "PER,ORG,LOC"), await Served()); // nothing changes before a reload
        var reload = await client.PostAsync("/v1/admin/reload", null);
        Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
        Assert.Equal("ner-x/v2", (await reload.JsonAsync())["models"]![0]!["run"]!.GetValue<string>());
        Assert.Equal(("ner-x/v2", "PER,LOC"), await Served());
        var texts = ServingFixture.Texts;
        using (var direct = TrainedModel.Load(fixture.Folders["ner-b"]))
            Assert.Equal(ServingClient.Serialise(direct.Predictor().Predict(texts)).ToJsonString(),
                (await (await client.PredictAsync("ner-x", new { texts })).JsonAsync())["predictions"]!.ToJsonString());

        await store.RollbackAsync("ner-x");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/admin/reload", null)).StatusCode);
        Assert.Equal(("ner-x/v1", "PER,ORG,LOC"), await Served());

        using var anonymous = ServingClient.For(server);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/v1/admin/reload", null)).StatusCode);
    }
}
