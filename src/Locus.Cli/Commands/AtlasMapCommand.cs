using System.CommandLine;
using Locus.Atlas.Plots;
using Locus.Atlas.Uses;

namespace Locus.Cli.Commands;

/// <summary><c>locus atlas map</c>: a 2-D projection of the model embeddings, drawn to PNG.</summary>
public static class AtlasMapCommand
{
    /// <summary>Projection method.</summary>
    public enum ProjectionMethod
    {
        /// <summary>Principal component analysis.</summary>
        Pca,

        /// <summary>Classical multidimensional scaling.</summary>
        Mds,
    }

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var atlasOption = AtlasCommand.AtlasOption();
        var output = new Option<string>("--out") { Description = "PNG file to write.", Required = true };
        var method = new Option<ProjectionMethod>("--method") { Description = "Pca or Mds.", DefaultValueFactory = _ => ProjectionMethod.Pca };
        var json = AtlasCommand.JsonOption();
        var command = new Command("map", "Draw the models on a 2-D map (PCA or MDS of the embeddings) with their names.") { atlasOption, output, method, json };
        command.SetAction(parse =>
        {
            using var atlas = AtlasCommand.LoadAtlas(parse, atlasOption);
            if (atlas.Models.Count < 2) throw new LocusException("a map needs at least two models");
            var embeddings = atlas.Models.Select(m => m.Embedding).ToArray();
            var points = parse.GetValue(method) == ProjectionMethod.Pca ? Projection2D.Pca(embeddings) : Projection2D.Mds(embeddings);
            var names = atlas.Models.Select(m => m.Name).ToArray();
            var origins = atlas.Models.Select(m => m.Origin).Distinct().ToList();
            var path = parse.GetValue(output)!;
            PngChart.Scatter(path, $"Model atlas ({parse.GetValue(method).ToString().ToUpperInvariant()}, colour = origin)", points, names, atlas.Models.Select(m => origins.IndexOf(m.Origin)).ToArray());
            if (parse.GetValue(json)) AtlasCommand.WriteJson(parse, names.Select((n, i) => new { model = n, x = points[i, 0], y = points[i, 1] }));
            else AtlasCommand.Out(parse).WriteLine($"wrote {path} ({names.Length} models)");
            return LocusCli.Ok;
        });
        return command;
    }
}
