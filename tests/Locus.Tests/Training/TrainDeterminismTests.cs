using Locus.Data;
using Locus.Tests.TestSupport;

namespace Locus.Tests.Training;

/// <summary>The same data, seed and thread count give the same model, byte for byte, and the same scores.</summary>
public sealed class TrainDeterminismTests
{
    [Fact]
    public async Task TrainingTwiceWithTheSameSeedGivesIdenticalAdapters()
    {
        using var dir = new TempDir();
        var baseModel = FineTunerTests.BaseModel(dir, FineTunerTests.Ner.Select(e => e.Text));
        var data = dir.File("ner.jsonl");
        await JsonlWriter.WriteFileAsync(data, DataRecord.FromExamples(FineTunerTests.Ner));

        var outputs = new List<string>();
        foreach (var name in new[] { "a", "b" })
        {
            // No --dev: the held-out split is drawn with the seed too. Dropout on, so its masks must be seeded.
            var (code, output, error) = await CliRun.Locus("train", "--task", "ner", "--train", data, "--base", baseModel, "--out", dir.File(name),
                "--rank", "4", "--lora-dropout", "0.1", "--epochs", "3", "--lr", "1e-2", "--batch-size", "4", "--max-length", "32", "--stride", "8",
                "--seed", "7", "--threads", "1", "--json");
            Assert.True(code == 0, error);
            outputs.Add(output);
        }

        Assert.Equal(Scores(outputs[0]), Scores(outputs[1]));
        foreach (var file in Directory.GetFiles(dir.File("a")).Select(Path.GetFileName))
            Assert.True(File.ReadAllBytes(Path.Combine(dir.File("a"), file!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir.File("b"), file!))), $"{file} differs");
    }

    // The result JSON without its timings (which differ from run to run by nature) and output folder.
    private static string Scores(string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        node.AsObject().Remove("output_folder");
        foreach (var phase in node["phases"]!.AsArray()) phase!.AsObject().Remove("elapsed");
        node.AsObject().Remove("elapsed");
        return node.ToJsonString();
    }
}
