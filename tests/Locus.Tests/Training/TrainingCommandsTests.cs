using System.Text.Json;
using Locus.Cli;
using Locus.Data;
using Locus.Tests.TestSupport;

namespace Locus.Tests.Training;

/// <summary>The training commands end to end through the CLI: train → eval → predict → merge on a tiny model.</summary>
public class TrainingCommandsTests
{
    static Task<(int Code, string Out, string Err)> Run(params string[] args) => CliRun.Locus(args);

    [Fact]
    public async Task TrainEvalPredictAndMergeWorkTogether()
    {
        using var dir = new TempDir();
        var baseModel = FineTunerTests.BaseModel(dir, FineTunerTests.Ner.Select(e => e.Text));
        var data = dir.File("ner.jsonl");
        await JsonlWriter.WriteFileAsync(data, DataRecord.FromExamples(FineTunerTests.Ner));
        var model = dir.File("model");

        var train = await Run("train", "--task", "ner", "--train", data, "--dev", data, "--base", baseModel, "--out", model,
            "--rank", "4", "--epochs", "3", "--lr", "1e-2", "--batch-size", "4", "--max-length", "32", "--stride", "8",
            "--unfreeze-top-layers", "2", "--unfreeze-every", "1", "--second-phase-lr", "1e-3", "--bf16", "--gradient-checkpointing", "--json");
        Assert.True(train.Code == 0, train.Err);
        using (var result = JsonDocument.Parse(train.Out))
            Assert.Equal([3, 1, 1], result.RootElement.GetProperty("phases").EnumerateArray().Select(p => p.GetProperty("epochs_run").GetInt32()));

        var eval = await Run("eval", "--model", model, "--data", data, "--json");
        Assert.True(eval.Code == 0, eval.Err);
        using (var report = JsonDocument.Parse(eval.Out))
            Assert.Equal(12, report.RootElement.GetProperty("entities").GetProperty("micro").GetProperty("support").GetInt32());

        var predictions = dir.File("predictions.jsonl");
        var predict = await Run("predict", "--model", model, "--in", data, "--out", predictions);
        Assert.True(predict.Code == 0, predict.Err);
        var lines = File.ReadAllLines(predictions);
        Assert.Equal(FineTunerTests.Ner.Length, lines.Length);
        using (var first = JsonDocument.Parse(lines[0]))
            Assert.Equal(FineTunerTests.Ner[0].Text, first.RootElement.GetProperty("text").GetString());

        var merge = await Run("merge", "--model", model, "--out", dir.File("merged"));
        Assert.True(merge.Code == 0, merge.Err);
        Assert.True(File.Exists(Path.Combine(dir.File("merged"), "model.safetensors")));
        Assert.Equal(1, (await Run("merge", "--model", dir.File("merged"), "--out", dir.File("again"))).Code); // a full model has nothing to merge
    }

    [Fact]
    public async Task ANonModelFolderIsAUsageErrorWithoutAStackTrace()
    {
        using var dir = new TempDir();
        var (code, _, err) = await Run("eval", "--model", dir.Path, "--data", dir.File("x.jsonl"));
        Assert.Equal(LocusCli.Usage, code);
        Assert.Contains("locus_model.json", err);
        Assert.DoesNotContain("   at ", err);
    }
}
