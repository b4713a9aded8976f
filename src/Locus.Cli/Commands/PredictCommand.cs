using System.CommandLine;
using System.Text.Json;
using Locus.Specialization.Runs;
using Locus.Data;
using Locus.Training.FineTuning;

namespace Locus.Cli.Commands;

/// <summary><c>locus predict</c>: label texts with a trained model; JSONL out with spans or labels and confidences.</summary>
public static class PredictCommand
{
    /// <summary>One JSON object per line, members in snake_case, members that do not apply to the task left out.</summary>
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A model folder written by locus train (or merge), or a run of locus specialize (runs/NAME: its promoted, else latest, version).", Required = true };
        var input = new Option<string>("--in") { Description = "Texts: a .txt file (one per line) or any data file (JSONL, CoNLL, CSV; labels ignored).", Required = true };
        var output = new Option<string?>("--out") { Description = "JSONL output file; default: standard output." };
        var baseModel = new Option<string?>("--base") { Description = "Where the adapter's base model is, if it moved." };
        var batch = new Option<int>("--batch-size") { Description = "Texts per prediction batch.", DefaultValueFactory = _ => 256 }.InRange(1, null);

        var command = new Command("predict", "Predict entities or labels for texts; writes JSONL with character spans or labels and confidences.");
        foreach (var option in new Option[] { model, input, output, baseModel, batch }) command.Options.Add(option);
        command.SetAction(async (parse, cancellationToken) =>
        {
            // Checked before the model loads. A folder would be read file by file (its texts mixed in name order) with
            // no word; predictions are for one input file, written line for line.
            var inputPath = parse.GetValue(input)!;
            if (Directory.Exists(inputPath)) throw new LocusException($"--in {inputPath} is a folder; give a file of texts");
            if (!File.Exists(inputPath)) throw new FileNotFoundException($"--in {inputPath}: file not found", inputPath);
            using var trained = TrainedModel.Load(await ModelLocator.ResolveAsync(parse.GetValue(model)!, cancellationToken), parse.GetValue(baseModel), CliLogging.Logger);
            var texts = new List<string>();
            await foreach (var text in TextCorpus.ReadAsync([parse.GetValue(input)!], cancellationToken)) texts.Add(text);

            var predictor = trained.Predictor();
            var lines = new List<string>(texts.Count);
            foreach (var chunk in texts.Chunk(parse.GetValue(batch)))
            {
                lines.AddRange(predictor.Predict(chunk, cancellationToken).Select(r => JsonSerializer.Serialize(r, LocusJson.Compact)));
                parse.InvocationConfiguration.Error.WriteLine($"[predict] {lines.Count}/{texts.Count} texts");
            }

            if (parse.GetValue(output) is { } path) AtomicFile.WriteAllText(path, string.Join("\n", lines) + (lines.Count > 0 ? "\n" : ""));
            else foreach (var line in lines) parse.InvocationConfiguration.Output.WriteLine(line);
            return LocusCli.Ok;
        });
        return command;
    }
}
