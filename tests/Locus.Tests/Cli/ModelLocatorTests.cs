using Locus.Specialization.Runs;
using Locus.Tests.Specialization.Runs;
using Locus.Training.FineTuning;

namespace Locus.Tests.Cli;

/// <summary><c>--model runs/NAME</c> means the promoted version, else the latest completed one, never an unfinished latest.</summary>
public sealed class ModelLocatorTests
{
    [Fact]
    public async Task ARunNameMeansTheLatestCompletedVersionNotAnUnfinishedLatest()
    {
        using var runs = new RunTestStore();
        var done = await runs.RecordAsync("ner", [], [], kept: 1);
        var unfinished = await runs.RecordAsync("ner", [], [], kept: 1, finish: RunStatus.Interrupted);
        foreach (var run in new[] { done, unfinished }) WriteModel(run);

        var model = await ModelLocator.ResolveAsync(Path.Combine(runs.Root, "ner"), CancellationToken.None);
        Assert.Equal(done.PathOf("model"), model);
    }

    [Fact]
    public async Task ARunWithNoCompletedVersionSaysSoInOneLine()
    {
        using var runs = new RunTestStore();
        WriteModel(await runs.RecordAsync("ner", [], [], kept: 1, finish: RunStatus.Failed));

        var error = await Assert.ThrowsAsync<LocusException>(() => ModelLocator.ResolveAsync(Path.Combine(runs.Root, "ner"), CancellationToken.None));
        Assert.Contains("run 'ner' has no completed version yet (latest: ner/v1 is failed)", error.Message);
    }

    private static void WriteModel(ActiveRun run)
    {
        Directory.CreateDirectory(run.PathOf("model"));
        File.WriteAllText(Path.Combine(run.PathOf("model"), TrainedModelManifest.FileName), "{}");
    }
}
