using System.CommandLine;
using System.Text.Json;
using Locus.Cli.Commands.Training;
using Locus.Data;
using Locus.Training.FineTuning;

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
        var baseModel = new Option<string>("--base") { Description = "Base model: builtin:NAME ('locus model list'), a Hugging Face folder or a hub id.", DefaultValueFactory = _ => Locus.Models.Builtin.BuiltinModels.DefaultReference };
        var output = new Option<string>("--out") { Description = "Output folder for the adapter (or full model).", Required = true };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the model already in --out (without it, train refuses to overwrite a model)." };
        var fineTune = new FineTuneCommandOptions();
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };

        var command = new Command("train", "Fine-tune a base encoder for NER or text classification (LoRA by default, or --full).");
        foreach (var option in new Option[] { task, train, dev, schema, baseModel, output, overwrite })
            command.Options.Add(option);
        fineTune.AddTo(command);
        command.Options.Add(json);

        command.SetAction(async (parse, cancellationToken) =>
        {
            // Checked first, so a refused run reads no data and loads no model.
            if (ExistingModelProblem(parse.GetValue(output)!, parse.GetValue(overwrite)) is { } problem)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: {problem}");
                return LocusCli.Usage;
            }
            var dataTask = CommandInputs.ParseTask(parse.GetValue(task)!);
            var trainExamples = await CommandInputs.ReadExamplesAsync(parse.GetValue(train)!, dataTask, cancellationToken);
            var console = parse.InvocationConfiguration;
            List<Example> devExamples;
            if (parse.GetValue(dev) is { } devPath) devExamples = await CommandInputs.ReadExamplesAsync(devPath, dataTask, cancellationToken);
            else (trainExamples, devExamples) = HoldOut(trainExamples, parse.GetValue(fineTune.Seed), console.Error);

            var labels = await CommandInputs.LabelsAsync(parse.GetValue(schema), trainExamples, cancellationToken);
            var options = fineTune.Build(parse, dataTask);
            var mode = options.Mode;
            var basePath = await CommandInputs.ResolveModelAsync(parse.GetValue(baseModel)!, cancellationToken);
            // --overwrite: the old model goes only now that the inputs are known good, and entirely, so no stale file
            // (an adapter beside a full model) stays with the new one.
            if (parse.GetValue(overwrite) && File.Exists(Path.Combine(parse.GetValue(output)!, TrainedModelManifest.FileName)))
                Directory.Delete(parse.GetValue(output)!, recursive: true);
            using var model = new FineTuner(CliLogging.Logger).Train(basePath, trainExamples, devExamples, labels, options, parse.GetValue(output)!, out var result,
                new TrainingProgressPrinter(console.Error, "train"), cancellationToken);

            if (parse.GetValue(json))
            {
                console.Output.WriteLine(LocusJson.Serialize(result));
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

    /// <summary>
    /// Why training into <paramref name="folder"/> is refused: it is a file, or it holds a finished model and
    /// <paramref name="overwrite"/> is off. A folder with only training checkpoints is an interrupted run, which
    /// training resumes.
    /// </summary>
    static string? ExistingModelProblem(string folder, bool overwrite)
    {
        if (File.Exists(folder)) return $"--out {folder} is a file; give a folder for the model";
        if (overwrite || !File.Exists(Path.Combine(folder, TrainedModelManifest.FileName))) return null;
        return $"--out {folder} already holds a model; pass --overwrite to replace it, or choose another folder";
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
