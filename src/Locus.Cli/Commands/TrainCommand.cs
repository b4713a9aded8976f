using System.CommandLine;
using System.Text.Json;
using Locus.Cli.Commands.Training;
using Locus.Data;
using Locus.Training.FineTuning;
using Locus.Training.Trainer;

namespace Locus.Cli.Commands;

/// <summary><c>locus train</c>: fine-tune a base encoder for NER or text classification, with LoRA (default) or in full.</summary>
public static class TrainCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var task = new Option<string>("--task") { Description = "ner or classification.", Required = true };
        var train = new Option<string>("--train") { Description = "Training data (JSONL, CoNLL or CSV).", Required = true };
        var dev = new Option<string?>("--dev") { Description = "Dev data for early stopping; default: 15% of --train held out." };
        var schema = new Option<string?>("--schema") { Description = "Label schema (labels.json); default: the labels seen in --train." };
        var baseModel = new Option<string>("--base") { Description = "Base model: a Hugging Face folder or a hub id.", Required = true };
        var output = new Option<string>("--out") { Description = "Output folder for the adapter (or full model).", Required = true };
        var full = new Option<bool>("--full") { Description = "Full fine-tuning instead of LoRA." };
        var rank = new Option<int>("--rank") { Description = "LoRA rank r.", DefaultValueFactory = _ => 16 };
        var alpha = new Option<double>("--alpha") { Description = "LoRA alpha (scaling alpha/r).", DefaultValueFactory = _ => 32 };
        var loraDropout = new Option<double>("--lora-dropout") { Description = "Dropout on the LoRA input.", DefaultValueFactory = _ => 0.1 };
        var rslora = new Option<bool>("--rslora") { Description = "Scale by alpha/sqrt(r) (rsLoRA)." };
        var targets = new Option<string[]?>("--lora-targets") { Description = "LoRA target modules (default: attention and feed-forward projections).", AllowMultipleArgumentsPerToken = true };
        var unfreeze = new Option<int>("--unfreeze-top-layers") { Description = "Second phase: unfreeze the top k layers progressively, the top one first and one more per stage (LoRA only).", DefaultValueFactory = _ => 0 };
        var unfreezeEvery = new Option<int>("--unfreeze-every") { Description = "Epochs per unfreezing stage (0: split --second-phase-epochs evenly over the k stages).", DefaultValueFactory = _ => 0 };
        var secondEpochs = new Option<int>("--second-phase-epochs") { Description = "Epochs of the second phase, over all its stages.", DefaultValueFactory = _ => 5 };
        var secondLr = new Option<double>("--second-phase-lr") { Description = "Peak learning rate of the second phase.", DefaultValueFactory = _ => 2e-5 };
        var bf16 = new Option<bool>("--bf16") { Description = "Run the frozen base layers in bfloat16 (LoRA; faster on CPUs with AVX512-BF16/AMX); trainable weights stay float32." };
        var epochs = new Option<int>("--epochs") { Description = "Maximum epochs (early stopping usually ends sooner).", DefaultValueFactory = _ => 40 };
        var lr = new Option<double?>("--lr") { Description = "Peak learning rate (default 5e-4 for LoRA, 5e-5 full)." };
        var batch = new Option<int>("--batch-size") { Description = "Examples per batch.", DefaultValueFactory = _ => 16 };
        var accumulate = new Option<int>("--grad-accum") { Description = "Batches per optimiser step.", DefaultValueFactory = _ => 1 };
        var warmup = new Option<double>("--warmup") { Description = "Warm-up fraction of the steps.", DefaultValueFactory = _ => 0.1 };
        var decay = new Option<double>("--weight-decay") { Description = "Weight decay (not on biases and LayerNorm).", DefaultValueFactory = _ => 0.01 };
        var clip = new Option<double>("--max-grad-norm") { Description = "Gradient clipping norm (0: off).", DefaultValueFactory = _ => 1.0 };
        var patience = new Option<int>("--patience") { Description = "Early-stopping patience in epochs (0: off).", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 42 };
        var threads = new Option<int>("--threads") { Description = "CPU threads (0: library default).", DefaultValueFactory = _ => 0 };
        var maxLength = new Option<int>("--max-length") { Description = "Tokens per window; longer texts are windowed, never cut.", DefaultValueFactory = _ => 256 };
        var stride = new Option<int>("--stride") { Description = "Tokens shared by consecutive windows.", DefaultValueFactory = _ => 64 };
        var multiLabel = new Option<bool>("--multi-label") { Description = "Multi-label classification (sigmoid per label)." };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };

        var command = new Command("train", "Fine-tune a base encoder for NER or text classification (LoRA by default, or --full).");
        foreach (var option in new Option[] { task, train, dev, schema, baseModel, output, full, rank, alpha, loraDropout, rslora, targets, unfreeze, unfreezeEvery, secondEpochs, secondLr, bf16, epochs, lr, batch, accumulate, warmup, decay, clip, patience, seed, threads, maxLength, stride, multiLabel, json })
            command.Options.Add(option);

        command.SetAction(async (parse, cancellationToken) =>
        {
            var dataTask = CommandInputs.ParseTask(parse.GetValue(task)!);
            var trainExamples = await CommandInputs.ReadExamplesAsync(parse.GetValue(train)!, dataTask, cancellationToken);
            var console = parse.InvocationConfiguration;
            List<Example> devExamples;
            if (parse.GetValue(dev) is { } devPath) devExamples = await CommandInputs.ReadExamplesAsync(devPath, dataTask, cancellationToken);
            else (trainExamples, devExamples) = HoldOut(trainExamples, parse.GetValue(seed), console.Error);

            var labels = await CommandInputs.LabelsAsync(parse.GetValue(schema), trainExamples, cancellationToken);
            var mode = parse.GetValue(full) ? FineTuneMode.Full : FineTuneMode.Lora;
            var options = new FineTuneOptions
            {
                Task = dataTask, Mode = mode, LoraRank = parse.GetValue(rank), LoraAlpha = parse.GetValue(alpha), LoraDropout = parse.GetValue(loraDropout),
                UseRsLora = parse.GetValue(rslora), TargetModules = parse.GetValue(targets) is { Length: > 0 } t ? t : null, UnfreezeTopLayers = parse.GetValue(unfreeze),
                UnfreezeEveryEpochs = parse.GetValue(unfreezeEvery), SecondPhaseEpochs = parse.GetValue(secondEpochs), SecondPhaseLearningRate = parse.GetValue(secondLr),
                MultiLabel = parse.GetValue(multiLabel), MaxLength = parse.GetValue(maxLength), Stride = parse.GetValue(stride),
                Training = new TrainerOptions
                {
                    Epochs = parse.GetValue(epochs), LearningRate = parse.GetValue(lr) ?? FineTuneOptions.DefaultLearningRate(mode),
                    BatchSize = parse.GetValue(batch), GradientAccumulationSteps = parse.GetValue(accumulate), WarmupRatio = parse.GetValue(warmup),
                    WeightDecay = parse.GetValue(decay), MaxGradNorm = parse.GetValue(clip), Patience = parse.GetValue(patience),
                    Seed = parse.GetValue(seed), Threads = parse.GetValue(threads), Bf16 = parse.GetValue(bf16),
                },
            };
            var basePath = await CommandInputs.ResolveModelAsync(parse.GetValue(baseModel)!, cancellationToken);
            using var model = new FineTuner().Train(basePath, trainExamples, devExamples, labels, options, parse.GetValue(output)!, out var result,
                new TrainingProgressPrinter(console.Error, "train"), cancellationToken);

            if (parse.GetValue(json))
            {
                console.Output.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
                return LocusCli.Ok;
            }
            console.Output.WriteLine($"{mode.ToString().ToLowerInvariant()} fine-tuning: {result.TrainableParameters:N0} of {result.TotalParameters:N0} parameters trained");
            foreach (var (phase, i) in result.Phases.Select((p, i) => (p, i)))
                console.Output.WriteLine($"{(i == 0 ? "phase 1" : $"phase 2, stage {i} (top {i} layer(s))")}: best dev {(dataTask == DataTask.Ner ? "entity F1" : "score")} {phase.BestDevMetric:F4} at epoch {phase.BestEpoch} of {phase.EpochsRun}");
            if (result.SpanAlignment is { } a && (a.Misaligned > 0 || a.Overlapping > 0 || a.Unrepresentable > 0))
                console.Error.WriteLine($"note: {a.Misaligned} span(s) did not align with token boundaries (labelled by overlap), {a.Overlapping} overlapping and {a.Unrepresentable} unrepresentable span(s) were not trained on");
            var took = result.Phases.Aggregate(TimeSpan.Zero, (t, p) => t + p.Elapsed);
            console.Output.WriteLine($"model written to {result.OutputFolder} (took {took:hh\\:mm\\:ss})");
            return LocusCli.Ok;
        });
        return command;
    }

    static (List<Example> Train, List<Example> Dev) HoldOut(List<Example> examples, int seed, TextWriter error)
    {
        if (examples.Count < 4) throw new LocusException($"only {examples.Count} training examples: pass --dev, or give at least 4 so some can be held out");
        var shuffled = examples.ToArray();
        new Random(seed).Shuffle(shuffled);
        var devCount = Math.Max(1, (int)Math.Round(shuffled.Length * 0.15));
        error.WriteLine($"note: no --dev given; holding out {devCount} of {shuffled.Length} training examples for early stopping");
        return (shuffled[devCount..].ToList(), shuffled[..devCount].ToList());
    }
}
