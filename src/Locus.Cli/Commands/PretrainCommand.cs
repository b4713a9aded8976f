using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Locus.Training.Pretraining;
using Locus.Training.Trainer;

namespace Locus.Cli.Commands;

/// <summary><c>locus pretrain</c>: masked-language-model pre-training from scratch or continued on a domain corpus.</summary>
public static class PretrainCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var corpus = new Option<string[]>("--corpus") { Description = "Text files (one text per line), data files (JSONL, CoNLL, CSV) or folders.", Required = true, AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "Folder for the pre-trained model (Hugging Face layout).", Required = true };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the model already in --out (without it, pretrain refuses to overwrite a finished model)." };
        var baseModel = new Option<string?>("--base") { Description = "Model folder to continue pre-training (domain adaptation); omit to train a new encoder and vocabulary." };
        var hidden = new Option<int>("--hidden-size") { Description = "Hidden size of a new encoder.", DefaultValueFactory = _ => 256 }.InRange(1, 8192);
        var layers = new Option<int>("--layers") { Description = "Layers of a new encoder.", DefaultValueFactory = _ => 4 }.InRange(1, 256);
        var heads = new Option<int>("--heads") { Description = "Attention heads of a new encoder.", DefaultValueFactory = _ => 4 }.InRange(1, 256);
        var vocab = new Option<int>("--vocab-size") { Description = "WordPiece vocabulary size of a new encoder.", DefaultValueFactory = _ => 8000 }.InRange(8, 1_000_000);
        var maxLength = new Option<int>("--max-length") { Description = "Tokens per sequence; longer texts are split, never cut.", DefaultValueFactory = _ => 128 }.InRange(8, 8192);
        var epochs = new Option<int>("--epochs") { Description = "Passes over the corpus.", DefaultValueFactory = _ => 3 }.InRange(1, null);
        var learningRate = new Option<double>("--lr") { Description = "Peak learning rate.", DefaultValueFactory = _ => 5e-4 }.InRange(0, null, exclusiveMin: true);
        var batchSize = new Option<int>("--batch-size") { Description = "Sequences per batch.", DefaultValueFactory = _ => 32 }.InRange(1, null);
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 42 };
        var threads = new Option<int>("--threads") { Description = "CPU threads (0: library default).", DefaultValueFactory = _ => 0 }.InRange(0, 1024);
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };

        var command = new Command("pretrain", "Pre-train an encoder by masked-language modelling on a text corpus (from scratch, or continued from --base).");
        foreach (var option in new Option[] { corpus, output, overwrite, baseModel, hidden, layers, heads, vocab, maxLength, epochs, learningRate, batchSize, seed, threads, json })
            command.Options.Add(option);

        command.SetAction(async (parse, cancellationToken) =>
        {
            // A finished model (weights, no checkpoint left) is not silently replaced; a folder with a checkpoint is an
            // interrupted run, which continues.
            var outFolder = parse.GetValue(output)!;
            if (File.Exists(outFolder))
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: --out {outFolder} is a file; give a folder for the model");
                return LocusCli.Usage;
            }
            if (!parse.GetValue(overwrite) && File.Exists(Path.Combine(outFolder, "model.safetensors")) && !Directory.Exists(Pretrainer.CheckpointFolder(outFolder)))
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: --out {outFolder} already holds a model; pass --overwrite to replace it, or choose another folder");
                return LocusCli.Usage;
            }
            var options = new PretrainOptions
            {
                Corpus = parse.GetValue(corpus)!, OutputFolder = parse.GetValue(output)!, BaseModel = parse.GetValue(baseModel),
                HiddenSize = parse.GetValue(hidden), Layers = parse.GetValue(layers), Heads = parse.GetValue(heads),
                VocabSize = parse.GetValue(vocab), MaxLength = parse.GetValue(maxLength),
                Training = new TrainerOptions
                {
                    Epochs = parse.GetValue(epochs), LearningRate = parse.GetValue(learningRate), BatchSize = parse.GetValue(batchSize),
                    WarmupRatio = 0.06, Patience = 0, Seed = parse.GetValue(seed), Threads = parse.GetValue(threads),
                },
            };
            var console = parse.InvocationConfiguration;
            if (Directory.Exists(Pretrainer.CheckpointFolder(options.OutputFolder)))
                console.Error.WriteLine($"note: resuming from the checkpoint in {Pretrainer.CheckpointFolder(options.OutputFolder)} (delete it to start over)");
            var result = await new Pretrainer(CliLogging.Logger).RunAsync(options, new TrainingProgressPrinter(console.Error, "pretrain"), cancellationToken);
            if (parse.GetValue(json))
            {
                console.Output.WriteLine(LocusJson.Serialize(result));
            }
            else
            {
                console.Output.WriteLine($"pre-trained {result.Parameters.ToString("N0", CultureInfo.InvariantCulture)} parameters on {result.TrainSequences} sequences from {result.Texts} texts");
                console.Output.WriteLine($"masked-token accuracy (dev): {result.Training.BestDevMetric:P1} after {result.Training.EpochsRun} epoch(s), {result.Training.Elapsed:hh\\:mm\\:ss}");
                console.Output.WriteLine($"model written to {result.OutputFolder}");
            }
            return LocusCli.Ok;
        });
        return command;
    }
}
