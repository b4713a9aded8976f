using Locus.Data;
using Locus.Specialization.Runs;

namespace Locus.Tests.Specialization.Runs;

public class ResumeTests
{
    /// <summary>A run that finished "combine" and "train" and was interrupted during "evaluate".</summary>
    private static async Task<(ActiveRun Run, string Data, string TrainConfig)> InterruptedRunAsync(RunTestStore t)
    {
        var data = t.WriteInput("seeds.jsonl", "seed examples");
        var trainConfig = t.WriteInput("train.json", "{\"rank\": 8}");
        var run = await t.Store.CreateAsync(new RunRequest { Name = "exp", Task = DataTask.Ner, Inputs = [data] });
        await run.StartStageAsync("combine", inputs: [data], fingerprint: "combine-a");
        File.WriteAllText(run.PathOf("combined.jsonl"), "combined");
        await run.CompleteStageAsync("combine", new StageOutcome { Outputs = ["combined.jsonl"] });
        await run.StartStageAsync("train", inputs: ["combined.jsonl", trainConfig], fingerprint: "train-a");
        Directory.CreateDirectory(run.PathOf("adapter"));
        File.WriteAllText(run.PathOf("adapter/adapter_model.safetensors"), "weights");
        await run.CompleteStageAsync("train", new StageOutcome { Outputs = ["adapter"] });
        await run.StartStageAsync("evaluate", inputs: ["adapter"]);
        await run.InterruptAsync("Ctrl+C");
        return (run, data, trainConfig);
    }

    private static async Task<ResumePlan> PlanAsync(RunTestStore t, IReadOnlyDictionary<string, string>? fingerprints = null)
    {
        var reference = await t.Store.FindResumableAsync("exp");
        Assert.NotNull(reference);
        var resumed = await t.Store.ResumeAsync(reference);
        return await resumed.PlanResumeAsync(fingerprints);
    }

    [Fact]
    public async Task FinishedStagesWithUnchangedFilesAreReused()
    {
        using var t = new RunTestStore();
        var (run, _, _) = await InterruptedRunAsync(t);

        var plan = await PlanAsync(t, new Dictionary<string, string> { ["combine"] = "combine-a", ["train"] = "train-a" });

        Assert.Equal(["combine", "train"], plan.ReusableStages);
        Assert.Equal("the stage is interrupted", plan.Stages.Single(s => s.Stage == "evaluate").Reason);
        Assert.False(plan.CanReuse("publish"));
        var manifest = await t.Store.LoadAsync(run.Reference);
        Assert.Equal(RunStatus.Running, manifest.Status);
        Assert.Single(manifest.ResumedUtc);
        Assert.Null(manifest.Error);
    }

    [Fact]
    public async Task ChangedStageInputRedoesThatStageAndEveryLaterOne()
    {
        using var t = new RunTestStore();
        var (_, _, trainConfig) = await InterruptedRunAsync(t);
        File.WriteAllText(trainConfig, "{\"rank\": 16}");

        var plan = await PlanAsync(t);

        Assert.Equal(["combine"], plan.ReusableStages);
        Assert.StartsWith($"input {Path.GetFullPath(trainConfig)} changed (sha256 ", plan.Stages[1].Reason);
        Assert.Equal("an earlier stage ('train') is redone", plan.Stages[2].Reason);
    }

    [Fact]
    public async Task ChangedRunInputRedoesEveryStage()
    {
        using var t = new RunTestStore();
        var (_, data, _) = await InterruptedRunAsync(t);
        // Same size, different bytes: only the hash can tell.
        File.WriteAllText(data, "seed exampleZ");

        var plan = await PlanAsync(t);

        Assert.Empty(plan.ReusableStages);
        Assert.StartsWith($"run input {Path.GetFullPath(data)} changed", plan.Stages[0].Reason);
    }

    [Fact]
    public async Task ChangedIntermediateOutputInvalidatesItsStageOnly()
    {
        using var t = new RunTestStore();
        var (run, _, _) = await InterruptedRunAsync(t);
        File.AppendAllText(run.PathOf("adapter/adapter_model.safetensors"), "!");

        var plan = await PlanAsync(t);

        Assert.Equal(["combine"], plan.ReusableStages);
        Assert.StartsWith("output adapter changed (sha256 ", plan.Stages[1].Reason);
        Assert.Equal("an earlier stage ('train') is redone", plan.Stages[2].Reason);
    }

    [Fact]
    public async Task MissingOutputOrChangedSettingsInvalidateTheStage()
    {
        using var t = new RunTestStore();
        var (run, _, _) = await InterruptedRunAsync(t);

        var plan = await PlanAsync(t, new Dictionary<string, string> { ["train"] = "train-b" });
        Assert.Equal(["combine"], plan.ReusableStages);
        Assert.Equal("its settings changed (fingerprint differs)", plan.Stages[1].Reason);

        File.Delete(run.PathOf("combined.jsonl"));
        plan = await run.PlanResumeAsync();
        Assert.Empty(plan.ReusableStages);
        Assert.Equal("output combined.jsonl is missing", plan.Stages[0].Reason);
    }

    [Fact]
    public async Task OnlyAnUnfinishedLatestVersionIsResumable()
    {
        using var t = new RunTestStore();
        Assert.Null(await t.Store.FindResumableAsync("exp"));
        await t.RecordAsync("exp", [], [], kept: 1, finish: RunStatus.Failed);
        Assert.Equal(1, (await t.Store.FindResumableAsync("exp"))!.Version);
        var completed = await t.RecordAsync("exp", [], [], kept: 1);
        Assert.Null(await t.Store.FindResumableAsync("exp"));
        await Assert.ThrowsAsync<LocusException>(() => t.Store.ResumeAsync(completed.Reference));
    }
}
