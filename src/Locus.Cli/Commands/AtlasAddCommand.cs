using System.CommandLine;
using Locus.Atlas.Encoding;

namespace Locus.Cli.Commands;

/// <summary><c>locus atlas add</c>: embed new models into an existing atlas from their evaluations (no retraining).</summary>
public static class AtlasAddCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var atlasOption = AtlasCommand.AtlasOption();
        var data = new AtlasCommand.DataOptions();
        var models = new Option<string[]>("--model") { Description = "Models to add (repeatable or comma-separated; default: every model in the data not yet in the atlas).", AllowMultipleArgumentsPerToken = true };
        var replace = new Option<bool>("--replace") { Description = "Re-embed models already in the atlas." };
        var encoding = new Option<QueryEncodingKind?>("--encoding") { Description = "Expected encoding kind; refused when it differs from the atlas's." };
        var json = AtlasCommand.JsonOption();
        var command = new Command("add", "Embed models into an atlas with one forward pass over their evaluations; other models are unchanged.");
        command.Options.Add(atlasOption);
        data.AddTo(command);
        foreach (var o in new Option[] { models, replace, encoding, json }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            using var atlas = AtlasCommand.LoadAtlas(parse, atlasOption);
            if (parse.GetValue(encoding) is { } kind && kind != QueryEncodingKind.Auto && !kind.ToString().Equals(atlas.Encoder.Kind, StringComparison.OrdinalIgnoreCase))
                throw new LocusException($"the atlas was built with '{atlas.Encoder.Kind}' query encodings; refusing to mix in '{kind.ToString().ToLowerInvariant()}' encodings");
            var table = data.Load(parse);
            var names = AtlasCommand.List(parse.GetValue(models)) ?? table.Models.Where(m => !atlas.Contains(m) || parse.GetValue(replace)).ToArray();
            if (names.Length == 0) throw new LocusException("no new models in the data (every model is already in the atlas; use --replace to re-embed)");
            var added = names.Select(name => atlas.Add(name, table.RecordsOf(table.ModelIndex(name)).ToArray(), parse.GetValue(replace))).ToArray();
            atlas.Save(parse.GetValue(atlasOption)!);
            if (parse.GetValue(json)) AtlasCommand.WriteJson(parse, added.Select(a => new { model = a.Name, evaluations = a.EvaluationCount, mean_cost = a.MeanCost }));
            else foreach (var a in added) AtlasCommand.Out(parse).WriteLine($"added {a.Name} ({a.EvaluationCount} evaluations)");
            return LocusCli.Ok;
        });
        return command;
    }
}
