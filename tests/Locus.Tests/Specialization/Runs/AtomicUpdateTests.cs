using System.Text.Json.Nodes;
using Locus.Data;
using Locus.Specialization.Runs;

namespace Locus.Tests.Specialization.Runs;

public class AtomicUpdateTests
{
    [Fact]
    public async Task EveryChangeIsOnDiskBeforeTheCallReturns()
    {
        using var t = new RunTestStore();
        var run = await t.Store.CreateAsync(new RunRequest { Name = "x", Task = DataTask.Ner });

        await run.StartStageAsync("retrieve");
        Assert.Equal(StageStatus.Running, (await t.Store.LoadAsync(run.Reference)).Stages.Single().Status);

        await run.InterruptAsync("killed");
        var read = await t.Store.LoadAsync(run.Reference);
        Assert.Equal((RunStatus.Interrupted, "killed"), (read.Status, read.Error));
        Assert.Equal(StageStatus.Interrupted, read.Stages.Single().Status);
        Assert.Empty(Directory.GetFiles(run.Folder, "*.tmp"));
    }

    [Fact]
    public async Task ACrashMidWriteLeavesThePreviousManifestReadable()
    {
        using var t = new RunTestStore();
        var run = await t.RecordAsync("x", new JsonObject { ["rank"] = 8 }, [], kept: 5, finish: RunStatus.Running);
        var before = File.ReadAllText(run.Reference.ManifestPath);
        // What kill -9 during a rewrite leaves: a half-written temporary file next to the intact manifest.
        var torn = $"{run.Reference.ManifestPath}.4242.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(torn, before[..(before.Length / 2)]);

        var read = await t.Store.LoadAsync(run.Reference);
        Assert.Equal(before, RunManifestJson.Serialize(read) + "\n");
        Assert.Equal(5, read.Stages.Single().Counts["kept"]);

        // The store lists the run and resumes it as if the temporary file were not there.
        Assert.Equal(run.Reference, (await t.Store.ListAsync()).Single().Run);
        var resumed = await t.Store.ResumeAsync((await t.Store.FindResumableAsync("x"))!);
        await resumed.CompleteAsync();
        Assert.Equal(RunStatus.Completed, (await t.Store.LoadAsync(run.Reference)).Status);
        Assert.True(File.Exists(torn));
    }

    [Fact]
    public async Task ACrashWhileClaimingAVersionLeavesNoHalfMadeVersion()
    {
        using var t = new RunTestStore();
        await t.RecordAsync("x", [], [], kept: 1);
        // A crash between creating the staging folder and renaming it into place.
        var staging = Directory.CreateDirectory(Path.Combine(t.Root, "x", $".v2.{Guid.NewGuid():N}.tmp")).FullName;
        File.WriteAllText(Path.Combine(staging, "run.json"), "{");

        Assert.Single(t.Store.ListVersions("x"));
        var next = await t.Store.CreateAsync(new RunRequest { Name = "x", Task = DataTask.Ner });
        Assert.Equal(2, next.Reference.Version);
        Assert.Equal(2, (await t.Store.LoadAsync(next.Reference)).Version);
    }

    [Fact]
    public async Task ConcurrentCreatesGetDistinctVersions()
    {
        using var t = new RunTestStore();
        var runs = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            Task.Run(() => t.Store.CreateAsync(new RunRequest { Name = "x", Task = DataTask.Ner }))));

        Assert.Equal([1, 2, 3, 4, 5, 6], runs.Select(r => r.Reference.Version).Order());
        foreach (var run in runs) Assert.Equal(run.Reference.Version, (await t.Store.LoadAsync(run.Reference)).Version);
    }

    [Fact]
    public async Task StageCallsOutOfOrderAreRefused()
    {
        using var t = new RunTestStore();
        var run = await t.Store.CreateAsync(new RunRequest { Name = "x", Task = DataTask.Ner });

        await Assert.ThrowsAsync<InvalidOperationException>(() => run.CompleteStageAsync("train"));
        await run.StartStageAsync("train");
        await Assert.ThrowsAsync<InvalidOperationException>(() => run.CompleteAsync());
        await run.FailStageAsync("train", "boom");
        await Assert.ThrowsAsync<InvalidOperationException>(() => run.FailStageAsync("train", "again"));
        Assert.Equal("boom", (await t.Store.LoadAsync(run.Reference)).Stages.Single().Error);
    }
}
