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
        var queries = new AtlasRouteCommand.QueryOptions();
        var command = new Command("neighbors", "List the models closest to a model in the atlas (its proxies): by embedding distance, or, given queries " +
            "(--id, --text or --file), by the expected share of those queries on which the two disagree.") { atlasOption, model, count, available, json };
        queries.AddTo(command);
        command.SetAction(parse =>
        {
            using var atlas = AtlasCommand.LoadAtlas(parse, atlasOption);
            var (name, k, pool) = (parse.GetValue(model)!, parse.GetValue(count), AtlasCommand.List(parse.GetValue(available)));
            var byDisagreement = queries.Given(parse);
            var neighbours = byDisagreement
                ? AtlasGeometry.NeighborsByDisagreement(atlas, name, k, queries.Encode(atlas, queries.Read(parse)), pool)
                : AtlasGeometry.Neighbors(atlas, name, k, pool);
            var measure = byDisagreement ? "expected_disagreement" : "distance";
            if (parse.GetValue(json)) AtlasCommand.WriteJson(parse, neighbours.Select(n => new Dictionary<string, object> { ["model"] = n.Model, [measure] = n.Distance }));
            else foreach (var n in neighbours) AtlasCommand.Out(parse).WriteLine($"{n.Distance,10:F4}  {n.Model}");
            return LocusCli.Ok;
        });
        return command;
    }
}
