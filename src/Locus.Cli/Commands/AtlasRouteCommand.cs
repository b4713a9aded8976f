using System.CommandLine;
using Locus.Atlas;
using Locus.Atlas.Data;
using Locus.Atlas.Uses;

namespace Locus.Cli.Commands;

/// <summary><c>locus atlas route</c>: send each query to the model with the highest predicted correctness (optionally net of cost).</summary>
public static class AtlasRouteCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var atlasOption = AtlasCommand.AtlasOption();
        var queries = new QueryOptions();
        var costWeight = new Option<double>("--cost-weight") { Description = "λ: route by P(correct) − λ·cost (needs costs in the atlas).", DefaultValueFactory = _ => 0 };
        var available = new Option<string[]>("--available") { Description = "Only route to these models.", AllowMultipleArgumentsPerToken = true };
        var json = AtlasCommand.JsonOption();
        var command = new Command("route", "Route queries (texts, ids or a JSONL file) to the best predicted model.") { atlasOption, costWeight, available, json };
        queries.AddTo(command);
        command.SetAction(parse =>
        {
            using var atlas = AtlasCommand.LoadAtlas(parse, atlasOption);
            var refs = queries.Read(parse);
            var decisions = QueryRouter.Route(atlas, queries.Encode(atlas, refs), new RoutingOptions { CostWeight = parse.GetValue(costWeight), AvailableModels = AtlasCommand.List(parse.GetValue(available)) });
            if (parse.GetValue(json)) AtlasCommand.WriteJson(parse, decisions.Select(d => new { query_id = refs[d.QueryIndex].Id, model = d.Model, p = d.Probability, utility = d.Utility }));
            else foreach (var d in decisions) AtlasCommand.Out(parse).WriteLine($"{refs[d.QueryIndex].Id}\t{d.Model}\tP={d.Probability:F3}");
            return LocusCli.Ok;
        });
        return command;
    }

    /// <summary>Query input shared by route and portfolio: <c>--text</c>, <c>--id</c>, <c>--file</c>.</summary>
    internal sealed class QueryOptions
    {
        public Option<string[]> Texts { get; } = new("--text") { Description = "A query text (repeatable; needs an LSA atlas)." };
        public Option<string[]> Ids { get; } = new("--id") { Description = "A known query id (repeatable; for collaborative atlases).", AllowMultipleArgumentsPerToken = true };
        public Option<string?> File { get; } = new("--file") { Description = "JSONL of queries: {query_id|idx|id, query_text|text|instruction?}." };

        public void AddTo(Command command)
        {
            command.Options.Add(Texts);
            command.Options.Add(Ids);
            command.Options.Add(File);
        }

        /// <summary>Whether any query was given.</summary>
        public bool Given(ParseResult parse) =>
            parse.GetValue(File) is not null || (parse.GetValue(Texts)?.Length ?? 0) > 0 || (parse.GetValue(Ids)?.Length ?? 0) > 0;

        public IReadOnlyList<QueryRef> Read(ParseResult parse)
        {
            var refs = new List<QueryRef>();
            if (parse.GetValue(File) is { } path) refs.AddRange(QueryListReader.Read(path));
            refs.AddRange((parse.GetValue(Texts) ?? []).Select((t, i) => new QueryRef($"text{i}", t)));
            refs.AddRange((AtlasCommand.List(parse.GetValue(Ids)) ?? []).Select(id => new QueryRef(id, null)));
            if (refs.Count == 0) throw new LocusException("no queries: give --text, --id or --file");
            return refs;
        }

        public IReadOnlyList<float[]> Encode(ModelAtlas atlas, IReadOnlyList<QueryRef> refs) => refs.Select(r => atlas.EncodeQuery(r.Id, r.Text)).ToArray();
    }
}
