using System.CommandLine;
using Locus.Atlas.Uses;

namespace Locus.Cli.Commands;

/// <summary><c>locus atlas neighbors</c>: nearest models, or the best available proxy for an unavailable one.</summary>
public static class AtlasNeighborsCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var atlasOption = AtlasCommand.AtlasOption();
        var model = new Option<string>("--model") { Description = "The reference model.", Required = true };
        var count = new Option<int>("-k") { Description = "Number of neighbours.", DefaultValueFactory = _ => 5 };
        var available = new Option<string[]>("--available") { Description = "Only consider these models (e.g. to find a proxy for an unavailable model).", AllowMultipleArgumentsPerToken = true };
        var json = AtlasCommand.JsonOption();
        var command = new Command("neighbors", "List the models closest to a model in the atlas (its proxies).") { atlasOption, model, count, available, json };
        command.SetAction(parse =>
        {
            using var atlas = AtlasCommand.LoadAtlas(parse, atlasOption);
            var neighbours = AtlasGeometry.Neighbors(atlas, parse.GetValue(model)!, parse.GetValue(count), AtlasCommand.List(parse.GetValue(available)));
            if (parse.GetValue(json)) AtlasCommand.WriteJson(parse, neighbours.Select(n => new { model = n.Model, distance = n.Distance }));
            else foreach (var n in neighbours) AtlasCommand.Out(parse).WriteLine($"{n.Distance,10:F4}  {n.Model}");
            return LocusCli.Ok;
        });
        return command;
    }
}
