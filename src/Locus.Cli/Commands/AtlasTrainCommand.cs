using System.CommandLine;
using Locus.Atlas.Encoding;
using Locus.Atlas.Model;
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
        var encoding = new Option<QueryEncodingKind>("--encoding") { Description = "Query encoding: Auto (LSA with texts, else collaborative), Lsa, Collaborative.", DefaultValueFactory = _ => QueryEncodingKind.Auto };
        var encodingDim = new Option<int?>("--encoding-dim") { Description = "Query encoding dimension (default 64 for LSA, 16 collaborative)." };
        var validationModels = new Option<double>("--validation-models") { Description = "Fraction of models held out for early stopping.", DefaultValueFactory = _ => 0.1 };
        var validationQueries = new Option<double>("--validation-queries") { Description = "Fraction of queries held out for early stopping.", DefaultValueFactory = _ => 0.1 };
        var seed = new Option<int>("--seed") { Description = "Random seed (training is deterministic for a seed).", DefaultValueFactory = _ => 0 };
        var steps = new Option<int>("--max-steps") { Description = "Maximum optimiser steps.", DefaultValueFactory = _ => 1500 };
        var hidden = new Option<int>("--hidden-size") { Description = "Token and latent width.", DefaultValueFactory = _ => 128 };
        var latents = new Option<int>("--latents") { Description = "Learned latents per bottleneck block (r).", DefaultValueFactory = _ => 64 };
        var embeddingDim = new Option<int>("--embedding-dim") { Description = "Model embedding dimension d.", DefaultValueFactory = _ => 128 };
        var supportMax = new Option<int>("--support-max") { Description = "Largest support set per episode.", DefaultValueFactory = _ => 1024 };
        var cache = new Option<string?>("--cache") { Description = "Query-encoding cache folder (default ~/.cache/locus/atlas-encodings; 'none' disables)." };
        var json = AtlasCommand.JsonOption();
        var command = new Command("train", "Train an atlas (LOCUS encoder + correctness predictor) on evaluation data and place its models.");
        data.AddTo(command);
        foreach (var o in new Option[] { output, encoding, encodingDim, validationModels, validationQueries, seed, steps, hidden, latents, embeddingDim, supportMax, cache, json }) command.Options.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            var table = data.Load(parse);
            var rng = new Random(parse.GetValue(seed));
            var models = table.Models.OrderBy(_ => rng.Next()).ToArray();
            var queries = table.Queries.OrderBy(_ => rng.Next()).ToArray();
            int nValModels = table.Models.Count >= 4 ? Math.Max(1, (int)Math.Round(models.Length * parse.GetValue(validationModels))) : 0;
            int nValQueries = (int)Math.Round(queries.Length * parse.GetValue(validationQueries));
            var split = new AtlasTrainingSplit(models[nValModels..], models[..nValModels], queries[nValQueries..], queries[..nValQueries]);
            var cacheDir = parse.GetValue(cache) switch { null => QueryEncoderStore.DefaultCacheDirectory, "none" => null, var c => c };
            var encoder = QueryEncoderFactory.Fit(table, split.TrainingModels, parse.GetValue(encoding), parse.GetValue(encodingDim), cacheDir);
            var err = AtlasCommand.Err(parse);
            err.WriteLine($"training on {split.TrainingModels.Count} models, {split.TrainingQueries.Count} queries, '{encoder.Kind}' encoding ({encoder.Dimension} dims); validation: {split.ValidationModels.Count} models, {split.ValidationQueries.Count} queries");
            var options = new AtlasTrainingOptions
            {
                Seed = parse.GetValue(seed), MaxSteps = parse.GetValue(steps), SupportMax = parse.GetValue(supportMax),
                Network = new LocusConfig { HiddenSize = parse.GetValue(hidden), NumLatents = parse.GetValue(latents), EmbeddingDim = parse.GetValue(embeddingDim) },
            };
            var progress = new Progress<AtlasTrainingProgress>(p => err.WriteLine($"step {p.Step}: train BCE {p.TrainingLoss:F4}, validation BCE {p.ValidationLoss:F4} (best step {p.BestStep})"));
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
