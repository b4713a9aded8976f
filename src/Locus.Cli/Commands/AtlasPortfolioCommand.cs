using System.CommandLine;
using Locus.Atlas.Uses;

namespace Locus.Cli.Commands;

/// <summary><c>locus atlas portfolio</c>: pick a small, diverse set of models that covers a query set.</summary>
public static class AtlasPortfolioCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var atlasOption = AtlasCommand.AtlasOption();
        var size = new Option<int>("--size") { Description = "Number of models to pick.", DefaultValueFactory = _ => 3 };
        var candidates = new Option<string[]>("--available") { Description = "Candidate models (default: all).", AllowMultipleArgumentsPerToken = true };
        var queries = new AtlasRouteCommand.QueryOptions();
        var json = AtlasCommand.JsonOption();
        var command = new Command("portfolio", "Select models: farthest-point over embeddings, then swaps that raise predicted coverage of the queries.") { atlasOption, size, candidates, json };
        queries.AddTo(command);
        command.SetAction(parse =>
        {
            using var atlas = AtlasCommand.LoadAtlas(parse, atlasOption);
            var encoded = queries.Encode(atlas, queries.Read(parse));
            var portfolio = PortfolioSelector.Select(atlas, parse.GetValue(size), encoded, AtlasCommand.List(parse.GetValue(candidates)));
            if (parse.GetValue(json)) AtlasCommand.WriteJson(parse, new { models = portfolio.Models, coverage = portfolio.Coverage, diverse_coverage = portfolio.DiverseCoverage });
            else
            {
                var o = AtlasCommand.Out(parse);
                foreach (var m in portfolio.Models) o.WriteLine(m);
                o.WriteLine($"predicted coverage {portfolio.Coverage:F3} (farthest-point start {portfolio.DiverseCoverage:F3}) over {encoded.Count} queries");
            }
            return LocusCli.Ok;
        });
        return command;
    }
}
