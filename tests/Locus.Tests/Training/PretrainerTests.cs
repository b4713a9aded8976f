using Locus.Models.Encoders;
using Locus.Models.Tokenization;
using Locus.Tests.TestSupport;
using Locus.Training.Pretraining;
using Locus.Training.Trainer;
using static TorchSharp.torch;

namespace Locus.Tests.Training;

public class PretrainerTests
{
    /// <summary>Sentences with a fixed grammar, so a tiny model can learn to fill in masked words.</summary>
    static IEnumerable<string> Sentences(int count)
    {
        var random = new Random(5);
        string[] animals = ["cat", "dog", "bird", "horse"], places = ["garden", "house", "field", "barn"], verbs = ["sleeps", "runs", "sits", "eats"];
        for (var i = 0; i < count; i++)
        {
            var a = random.Next(4);
            // The verb and the place are determined by the animal: learnable from context.
            yield return $"the {animals[a]} {verbs[a]} in the {places[a]} today .";
        }
    }

    [Fact]
    public async Task LearnsTheCorpusAndWritesALoadableModelFolder()
    {
        using var dir = new TempDir();
        var corpus = dir.File("corpus.txt");
        File.WriteAllLines(corpus, Sentences(240));
        var options = new PretrainOptions
        {
            Corpus = [corpus], OutputFolder = dir.File("model"), HiddenSize = 32, Layers = 1, Heads = 2, VocabSize = 60, MaxLength = 16,
            DevFraction = 0.1,
            Training = new TrainerOptions { Epochs = 8, LearningRate = 3e-3, BatchSize = 16, WarmupRatio = 0.1, Patience = 0, Seed = 1 },
        };

        var result = await new Pretrainer().RunAsync(options);

        Assert.Equal(240, result.Texts);
        Assert.True(result.Training.LossCurve[^1] < result.Training.LossCurve[0] * 0.6, string.Join(", ", result.Training.LossCurve));
        // Chance is about 1/60 (the vocabulary); the grammar makes most masked words predictable from context.
        Assert.True(result.Training.BestDevMetric > 0.35, $"masked-token accuracy {result.Training.BestDevMetric}");
        Assert.True(result.Training.BestDevMetric > result.Training.DevCurve[0], string.Join(", ", result.Training.DevCurve));

        foreach (var file in new[] { "config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json" })
            Assert.True(File.Exists(Path.Combine(options.OutputFolder, file)), file);
        var config = File.ReadAllText(Path.Combine(options.OutputFolder, "config.json"));
        Assert.Contains("BertForMaskedLM", config);

        // The folder is a base encoder for fine-tuning: it loads (the MLM head is simply unused) with its tokenizer.
        using var encoder = EncoderModels.Load(options.OutputFolder);
        var tokenizer = TokenizerFactory.FromFolder(options.OutputFolder);
        var ids = tokenizer.Encode("the dog runs").Ids.Select(i => (long)i).ToArray();
        using var input = tensor(ids).unsqueeze(0);
        var output = encoder.call(new EncoderInput(input, ones_like(input)));
        Assert.Equal(new long[] { 1, ids.Length, 32 }, output.LastHiddenState.shape);
    }
}

/// <summary>An interrupted pre-training resumes after its last finished epoch and ends with the same model as an uninterrupted one.</summary>
public class PretrainerResumeTests
{
    [Fact]
    public async Task AnInterruptedRunResumesAndMatchesAnUninterruptedOne()
    {
        using var dir = new TempDir();
        var corpus = dir.File("corpus.txt");
        File.WriteAllLines(corpus, Enumerable.Range(0, 80).Select(i => $"the {(i % 2 == 0 ? "cat" : "dog")} number {i % 9} sleeps in the {(i % 3 == 0 ? "barn" : "house")} ."));
        PretrainOptions Options(string output) => new()
        {
            Corpus = [corpus], OutputFolder = dir.File(output), HiddenSize = 16, Layers = 1, Heads = 2, VocabSize = 40, MaxLength = 16, DevFraction = 0.1,
            Training = new TrainerOptions { Epochs = 4, LearningRate = 3e-3, BatchSize = 16, Patience = 0, Seed = 3, Threads = 1 },
        };

        var whole = await new Pretrainer().RunAsync(Options("whole"));

        using var cancel = new CancellationTokenSource();
        var stopAfterEpoch2 = new SynchronousProgress<TrainingProgress>(p => { if (p.Epoch == 2 && p.DevMetric is not null) cancel.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new Pretrainer().RunAsync(Options("resumed"), stopAfterEpoch2, cancel.Token));
        Assert.True(Directory.Exists(Pretrainer.CheckpointFolder(dir.File("resumed"))));
        var epochsRun = new List<int>();
        var resumed = await new Pretrainer().RunAsync(Options("resumed"), new SynchronousProgress<TrainingProgress>(p => epochsRun.Add(p.Epoch)));

        Assert.DoesNotContain(1, epochsRun);
        Assert.DoesNotContain(2, epochsRun);
        Assert.Equal(whole.Training.LossCurve, resumed.Training.LossCurve);
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir.File("whole"), "model.safetensors")), File.ReadAllBytes(Path.Combine(dir.File("resumed"), "model.safetensors")));
        Assert.False(Directory.Exists(Pretrainer.CheckpointFolder(dir.File("resumed"))));
    }
}
