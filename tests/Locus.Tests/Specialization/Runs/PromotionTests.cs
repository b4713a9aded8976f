using Locus.Specialization.Runs;

namespace Locus.Tests.Specialization.Runs;

public class PromotionTests
{
    private static async Task<RunTestStore> ThreeCompletedVersionsAsync()
    {
        var t = new RunTestStore();
        for (var i = 0; i < 3; i++) await t.RecordAsync("exp", [], [], kept: i);
        return t;
    }

    private static async Task<PromotionRecord> PromoteAsync(RunTestStore t, string spec, string? reason = null, bool force = false) =>
        await t.Store.PromoteAsync(await t.Store.ResolveAsync(spec), new PromotionOptions { Reason = reason, User = "ana", Force = force });

    [Fact]
    public async Task PromoteRecordsWhoWhenFromWhichVersionAndWhy()
    {
        using var t = await ThreeCompletedVersionsAsync();
        await PromoteAsync(t, "exp/v1", "baseline");
        t.Clock.Advance(60);
        var record = await PromoteAsync(t, "exp/v2", "better dev F1");

        Assert.Equal(2, record.Promoted);
        var last = record.History[^1];
        Assert.Equal((PromotionAction.Promote, 2, (int?)1, "ana", "better dev F1", false), (last.Action, last.Version, last.Previous, last.User, last.Reason, last.Forced));
        Assert.Equal(new DateTime(2026, 11, 24, 10, 1, 30, DateTimeKind.Utc), last.Utc);
        // What was written reads back the same, and the promoted run resolves by alias.
        Assert.Equal(RunManifestJson.Serialize(record), RunManifestJson.Serialize(await t.Store.ReadPromotionAsync("exp")));
        Assert.Equal(2, (await t.Store.ResolveAsync("exp/promoted")).Version);
    }

    [Fact]
    public async Task RollbackFollowsThePromotionHistoryBackwards()
    {
        using var t = await ThreeCompletedVersionsAsync();
        await PromoteAsync(t, "exp/v1");
        await PromoteAsync(t, "exp/v2");
        await PromoteAsync(t, "exp/v3");

        Assert.Equal(2, (await t.Store.RollbackAsync("exp")).Promoted);
        Assert.Equal(1, (await t.Store.RollbackAsync("exp", new PromotionOptions { Reason = "regression" })).Promoted);
        var e = await Assert.ThrowsAsync<LocusException>(() => t.Store.RollbackAsync("exp"));
        Assert.Equal("run 'exp' has no earlier promotion to roll back to (v1 is the first)", e.Message);

        var record = await t.Store.ReadPromotionAsync("exp");
        Assert.Equal([PromotionAction.Promote, PromotionAction.Promote, PromotionAction.Promote, PromotionAction.Rollback, PromotionAction.Rollback], record.History.Select(h => h.Action));
        Assert.Equal((1, (int?)2, "regression"), (record.History[^1].Version, record.History[^1].Previous, record.History[^1].Reason));
    }

    [Fact]
    public async Task PromotingAfterARollbackStacksOnTheRestoredVersion()
    {
        using var t = await ThreeCompletedVersionsAsync();
        await PromoteAsync(t, "exp/v1");
        await PromoteAsync(t, "exp/v2");
        await t.Store.RollbackAsync("exp");
        await PromoteAsync(t, "exp/v3");

        Assert.Equal([1, 3], (await t.Store.ReadPromotionAsync("exp")).PromotionStack());
        Assert.Equal(1, (await t.Store.RollbackAsync("exp")).Promoted);
    }

    [Fact]
    public async Task RollbackWithNothingPromotedIsRefused()
    {
        using var t = await ThreeCompletedVersionsAsync();
        var e = await Assert.ThrowsAsync<LocusException>(() => t.Store.RollbackAsync("exp"));
        Assert.Equal("run 'exp' has no promoted version to roll back from", e.Message);
        Assert.False(File.Exists(Path.Combine(t.Root, "exp", RunStore.PromotionFileName)));
    }

    [Fact]
    public async Task UnfinishedRunsNeedForceAndPromotingTwiceChangesNothing()
    {
        using var t = new RunTestStore();
        await t.RecordAsync("exp", [], [], kept: 1);
        await t.RecordAsync("exp", [], [], kept: 1, finish: RunStatus.Failed);

        var e = await Assert.ThrowsAsync<LocusException>(() => PromoteAsync(t, "exp/v2"));
        Assert.Equal("exp/v2 is failed, not completed, so it cannot be promoted (use --force to promote it anyway)", e.Message);
        Assert.Null((await t.Store.ReadPromotionAsync("exp")).Promoted);

        await PromoteAsync(t, "exp/v1", force: true);
        Assert.False((await t.Store.ReadPromotionAsync("exp")).History.Single().Forced);
        var again = await PromoteAsync(t, "exp/v1");
        Assert.Single(again.History);
        var forced = await PromoteAsync(t, "exp/v2", force: true);
        Assert.Equal((2, true), (forced.Promoted, forced.History[^1].Forced));
    }

    [Fact]
    public async Task PointerThatContradictsItsHistoryIsCorrupt()
    {
        using var t = await ThreeCompletedVersionsAsync();
        await PromoteAsync(t, "exp/v1");
        var path = Path.Combine(t.Root, "exp", RunStore.PromotionFileName);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"promoted\": 1", "\"promoted\": 3"));

        var e = await Assert.ThrowsAsync<DataFormatException>(() => t.Store.ReadPromotionAsync("exp"));
        Assert.Equal((path, "promoted"), (e.File, e.Field));
        Assert.Equal("says v3 but the history leads to v1", e.Problem);
    }
}
