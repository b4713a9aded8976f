using System.CommandLine;
using Locus.Atlas.Training;

namespace Locus.Cli.Commands;

/// <summary><c>locus atlas train</c>: train a LOCUS encoder and predictor on evaluation data and save the atlas.</summary>
public static class AtlasTrainCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var data = new AtlasCommand.DataOptions();
        var output = new Option<string>("--out") { Description = "Folder to write the atlas to.", Required = true };
        var encoding = new AtlasCommand.EncodingOptions();
        var validationModels = new Option<double>("--validation-models") { Description = "Fraction of models held out for early stopping.", DefaultValueFactory = _ => 0.1 }.InRange(0, 0.9);
        var validationQueries = new Option<double>("--validation-queries") { Description = "Fraction of queries held out for early stopping.", DefaultValueFactory = _ => 0.1 }.InRange(0, 0.9);
        var seed = new Option<int>("--seed") { Description = "Random seed (training is deterministic for a seed).", DefaultValueFactory = _ => 0 };
        var training = new AtlasTrainingCliOptions();
        var json = AtlasCommand.JsonOption();
        var command = new Command("train", "Train an atlas (LOCUS encoder + correctness predictor) on evaluation data and place its models.");
        data.AddTo(command);
        encoding.AddTo(command);
        training.AddTo(command);
        foreach (var o in new Option[] { output, validationModels, validationQueries, seed, json }) command.Options.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            var table = data.Load(parse);
            var rng = new Random(parse.GetValue(seed));
            var models = table.Models.OrderBy(_ => rng.Next()).ToArray();
            var queries = table.Queries.OrderBy(_ => rng.Next()).ToArray();
            int nValModels = table.Models.Count >= 4 ? Math.Max(1, (int)Math.Round(models.Length * parse.GetValue(validationModels))) : 0;
            int nValQueries = (int)Math.Round(queries.Length * parse.GetValue(validationQueries));
            var split = new AtlasTrainingSplit(models[nValModels..], models[..nValModels], queries[nValQueries..], queries[..nValQueries]);
            var encoder = encoding.Fit(parse, table, split.TrainingModels);
            var err = AtlasCommand.Err(parse);
            err.WriteLine($"training on {split.TrainingModels.Count} models, {split.TrainingQueries.Count} queries, '{encoder.Kind}' encoding ({encoder.Dimension} dims); validation: {split.ValidationModels.Count} models, {split.ValidationQueries.Count} queries");
            var options = training.Read(parse, parse.GetValue(seed));
            var progress = new SynchronousProgress<AtlasTrainingProgress>(p => err.WriteLine($"step {p.Step}: train BCE {p.TrainingLoss:F4}, validation BCE {p.ValidationLoss:F4} (best step {p.BestStep})"));
            using var atlas = await AtlasTrainer.TrainAsync(table, encoder, split, options, progress, ct);
            var outDir = parse.GetValue(output)!;
            atlas.Save(outDir);
            if (parse.GetValue(json)) AtlasCommand.WriteJson(parse, new { atlas = outDir, encoding = encoder.Kind, models = atlas.Models.Count, training = atlas.Training });
            else AtlasCommand.Out(parse).WriteLine($"wrote {outDir}: {atlas.Models.Count} models, '{encoder.Kind}' encoding, {atlas.Training!.Steps} steps (best {atlas.Training.BestStep}, validation BCE {atlas.Training.BestValidationLoss:F4}), {atlas.Training.Seconds:F1} s");
            return LocusCli.Ok;
        });
        return command;
    }
}
