using System.CommandLine;

namespace Locus.Cli.Commands;

/// <summary><c>locus atlas show</c>: describe an atlas and its models.</summary>
public static class AtlasShowCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var atlasOption = AtlasCommand.AtlasOption();
        var embeddings = new Option<bool>("--embeddings") { Description = "Include the embedding vectors (JSON only)." };
        var json = AtlasCommand.JsonOption();
        var command = new Command("show", "Describe an atlas: encoding, network, training and models.") { atlasOption, embeddings, json };
        command.SetAction(parse =>
        {
            using var atlas = AtlasCommand.LoadAtlas(parse, atlasOption);
            if (parse.GetValue(json))
            {
                AtlasCommand.WriteJson(parse, new
                {
                    encoding = atlas.Encoder.Kind, query_dim = atlas.Encoder.Dimension, config = atlas.Network.Config, training = atlas.Training,
                    models = atlas.Models.Select(m => new { name = m.Name, origin = m.Origin, evaluations = m.EvaluationCount, mean_cost = m.MeanCost, embedding = parse.GetValue(embeddings) ? m.Embedding : null }),
                });
                return LocusCli.Ok;
            }
            var o = AtlasCommand.Out(parse);
            var c = atlas.Network.Config;
            o.WriteLine($"encoding: {atlas.Encoder.Kind} ({atlas.Encoder.Dimension} dims); network: hidden {c.HiddenSize}, {c.NumBlocks} blocks x {c.NumLatents} latents, z in R^{c.EmbeddingDim}");
            if (atlas.Training is { } t) o.WriteLine($"trained: seed {t.Seed}, {t.Steps} steps (best {t.BestStep}), validation BCE {t.BestValidationLoss:F4}, {t.Seconds:F1} s");
            o.WriteLine($"{"model",-40} {"origin",-10} {"evals",6} {"cost",8}");
            foreach (var m in atlas.Models) o.WriteLine($"{m.Name,-40} {m.Origin,-10} {m.EvaluationCount,6} {(m.MeanCost is { } mc ? mc.ToString("G4") : "-"),8}");
            return LocusCli.Ok;
        });
        return command;
    }
}
