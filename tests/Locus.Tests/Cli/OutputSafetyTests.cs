using Locus.Cli;
using Locus.Specialization.Pipeline;
using Locus.Specialization.Runs;
using Locus.Tests.Specialization.Pipeline;
using Locus.Tests.Specialization.Runs;
using Locus.Tests.TestSupport;
using Locus.Training.FineTuning;

namespace Locus.Tests.Cli;

/// <summary>Outputs are never overwritten silently, runs never land outside their store, refused runs leave no version.</summary>
public sealed class OutputSafetyTests
{
    [Fact]
    public async Task TrainRefusesToOverwriteAModelUnlessAsked()
    {
        using var temp = new TempDir();
        var model = temp.File("model");
        Directory.CreateDirectory(model);
        File.WriteAllText(Path.Combine(model, TrainedModelManifest.FileName), "{}");

        var (code, _, error) = await CliRun.Locus("train", "--task", "ner", "--train", temp.File("train.jsonl"), "--out", model);
        Assert.Equal(LocusCli.Usage, code);
        Assert.Equal($"error: --out {model} already holds a model; pass --overwrite to replace it, or choose another folder", error.Trim());
        Assert.True(File.Exists(Path.Combine(model, TrainedModelManifest.FileName)));

        // With --overwrite the refusal is gone (here the missing training file stops it), and the old model stays until the inputs are read.
        (code, _, error) = await CliRun.Locus("train", "--task", "ner", "--train", temp.File("train.jsonl"), "--out", model, "--overwrite");
        Assert.NotEqual(0, code);
        Assert.Contains("train.jsonl", error);
        Assert.True(File.Exists(Path.Combine(model, TrainedModelManifest.FileName)));
    }

    [Theory]
    [InlineData("..", "ending with the run's name")]
    [InlineData("runs/../../x", "'..' after a folder name")]
    [InlineData("runs/a/b/c", "nested inside the store runs")]
    public async Task SpecializeRefusesARunPathOutsideOrInsideTheStore(string output, string problem)
    {
        var (code, _, error) = await CliRun.Locus("specialize", "--task", "ner", "--schema", "s.json", "--seeds", "s.jsonl", "--out", output);
        Assert.Equal(LocusCli.Usage, code);
        Assert.Contains($"error: --out {output}: ", error);
        Assert.Contains(problem, error);
    }

    [Fact]
    public async Task SpecializeRefusesAStoreInsideARun()
    {
        using var runs = new RunTestStore();
        await runs.RecordAsync("ner", [], [], kept: 1);
        foreach (var output in new[] { Path.Combine(runs.Root, "ner", "v1", "x"), Path.Combine(runs.Root, "ner", "more", "x") })
        {
            var (code, _, error) = await CliRun.Locus("specialize", "--task", "ner", "--schema", "s.json", "--seeds", "s.jsonl", "--out", output);
            Assert.Equal(LocusCli.Usage, code);
            Assert.Contains("is a run's folder", error);
        }
    }

    [Fact]
    public async Task ABadSeedFileLeavesNoRunVersion()
    {
        using var fixture = new PipelineFixture();
        var lines = File.ReadAllLines(fixture.Seeds);
        lines[4] = lines[4].Replace("\"LOC\"", "\"PLACE\"");
        File.WriteAllLines(fixture.Seeds, lines);

        var store = new RunStore(fixture.RunsRoot);
        await Assert.ThrowsAsync<DataFormatException>(() => new SpecializationPipeline(store).RunAsync("bad", fixture.Options()));
        Assert.Empty(store.ListVersions("bad"));
    }
}
