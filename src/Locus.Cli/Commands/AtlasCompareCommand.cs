using System.CommandLine;
using Locus.Atlas.Uses;

namespace Locus.Cli.Commands;

/// <summary><c>locus atlas compare</c>: the distance matrix between models.</summary>
public static class AtlasCompareCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var atlasOption = AtlasCommand.AtlasOption();
        var models = new Option<string[]>("--models") { Description = "Models to compare (default: all).", AllowMultipleArgumentsPerToken = true };
        var json = AtlasCommand.JsonOption();
        var command = new Command("compare", "Print the embedding distance matrix between models.") { atlasOption, models, json };
        command.SetAction(parse =>
        {
            using var atlas = AtlasCommand.LoadAtlas(parse, atlasOption);
            var names = AtlasCommand.List(parse.GetValue(models)) ?? atlas.Models.Select(m => m.Name).ToArray();
            var d = AtlasGeometry.DistanceMatrix(names.Select(n => atlas[n].Embedding).ToArray());
            if (parse.GetValue(json))
            {
                AtlasCommand.WriteJson(parse, new { models = names, distances = Enumerable.Range(0, names.Length).Select(i => Enumerable.Range(0, names.Length).Select(j => d[i, j]).ToArray()) });
                return LocusCli.Ok;
            }
            var o = AtlasCommand.Out(parse);
            o.WriteLine(string.Join(' ', new[] { $"{"",-28}" }.Concat(names.Select((_, j) => $"{"#" + j,8}"))));
            for (int i = 0; i < names.Length; i++)
                o.WriteLine($"{$"#{i} {names[i]}",-28}" + string.Concat(Enumerable.Range(0, names.Length).Select(j => $" {d[i, j],8:F3}")));
            return LocusCli.Ok;
        });
        return command;
    }
}
