using System.CommandLine;
using Locus.Atlas.Bench;
using Locus.Atlas.Plots;

namespace Locus.Cli.Commands;

/// <summary><c>locus atlas bench</c>: sample-efficiency benchmark of LOCUS against the baselines on a score matrix.</summary>
public static class AtlasBenchCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var data = new AtlasCommand.DataOptions();
        var ks = new Option<int[]>("--ks") { Description = "Probe counts per new model.", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [16, 32, 64, 128, 256, 512, 1024] };
        var seeds = new Option<int[]>("--seeds") { Description = "Seeds (one split + training run each).", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [0, 1, 2] };
        var split = new Option<string?>("--split") { Description = "Split file to use instead of random splits ({seeds: [{seed, train_queries, validation_queries, test_queries, heldout_models, validation_models, probes}]})." };
        var writeSplit = new Option<string?>("--write-split") { Description = "Write the splits used to this file." };
        var heldOut = new Option<double>("--heldout-models") { Description = "Fraction of models held out as new models.", DefaultValueFactory = _ => 0.25 };
        var predictions = new Option<string?>("--predictions") { Description = "Write predictions as JSONL {seed, k, method, model, query_id, p}." };
        var report = new Option<string?>("--report") { Description = "Write the JSON report to this file." };
        var plot = new Option<string?>("--plot") { Description = "Write sample-efficiency curves to <prefix>-routing.png and <prefix>-auc.png." };
        var encoding = new AtlasCommand.EncodingOptions();
        var training = new AtlasTrainingCliOptions();
        var json = AtlasCommand.JsonOption();
        var command = new Command("bench", "Benchmark LOCUS against EmbedLLM-style MF, IRT 2PL/MIRT, a k-NN router, best single model and the oracle.");
        data.AddTo(command);
        encoding.AddTo(command);
        training.AddTo(command);
        foreach (var o in new Option[] { ks, seeds, split, writeSplit, heldOut, predictions, report, plot, json }) command.Options.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            var table = data.Load(parse);
            var err = AtlasCommand.Err(parse);
            var options = new AtlasBenchOptions
            {
                Ks = parse.GetValue(ks)!, Seeds = parse.GetValue(seeds)!, HeldOutModelFraction = parse.GetValue(heldOut),
                Encoding = parse.GetValue(encoding.Kind), EncodingDimension = parse.GetValue(encoding.Dimension), SentenceEncoderIndex = parse.GetValue(encoding.EncoderIndex), QueryEncodingsPath = parse.GetValue(encoding.QueryEncodings),
                CacheDirectory = encoding.CacheDirectory(parse), PredictionsPath = parse.GetValue(predictions),
                Training = training.Read(parse, seed: 0),
            };
            if (parse.GetValue(split) is { } splitPath) options.Splits = BenchSplitFile.Read(splitPath, table);
            var splits = options.Splits ?? options.Seeds.Select(s => BenchSplit.Generate(table, s, heldOutModelFraction: options.HeldOutModelFraction, validationModelFraction: options.ValidationModelFraction)).ToArray();
            options.Splits = splits;
            if (parse.GetValue(writeSplit) is { } writePath) BenchSplitFile.Write(writePath, splits);
            err.WriteLine($"bench: {table.Models.Count} models x {table.Queries.Count} queries, {splits.Count} seed(s), k = {string.Join(",", options.Ks)}");
            var result = await Task.Run(() => AtlasBenchmark.Run(table, options, new SynchronousProgress<string>(err.WriteLine), ct), ct);
            if (parse.GetValue(report) is { } reportPath) LocusJson.WriteFile(reportPath, result, AtlasBenchReport.FileFormat);
            if (parse.GetValue(plot) is { } prefix)
            {
                foreach (var (metric, label, suffix) in new[] { ("routing_accuracy", "routing accuracy", "routing"), ("correctness_auc", "correctness AUC", "auc") })
                {
                    var series = result.Summary.Where(s => s.Metric == metric).GroupBy(s => s.Method)
                        .Select(g => new ChartSeries(g.Key, g.OrderBy(s => s.K).Select(s => (double)s.K).ToArray(), g.OrderBy(s => s.K).Select(s => s.Mean).ToArray())).ToArray();
                    var file = $"{prefix}-{suffix}.png";
                    PngChart.Lines(file, $"Sample efficiency: {label} of new models", "evaluations per new model (k)", label, series);
                    err.WriteLine($"wrote {file}");
                }
            }
            if (parse.GetValue(json)) AtlasCommand.WriteJson(parse, result);
            else AtlasCommand.Out(parse).Write(result.ToTable());
            return LocusCli.Ok;
        });
        return command;
    }
}
