using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Locus.Data;

namespace Locus.Cli.Commands.Data;

/// <summary><c>locus data stats</c>: label counts and length distributions, as a table or JSON.</summary>
internal static class DataStatsCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The data file (CoNLL, JSONL or CSV)." };
        var json = new Option<bool>("--json") { Description = "Print the statistics as JSON." };
        var inputOptions = new DataInputOptions();

        var command = new Command("stats", "Describe a data set: examples, label counts, text length in characters and tokens, entities per example.");
        command.Arguments.Add(file);
        inputOptions.AddTo(command);
        command.Options.Add(json);

        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            var (readOptions, _) = await inputOptions.ResolveAsync(parse, path, cancellationToken);
            var stats = await DatasetStatistics.ComputeAsync(DatasetReader.ReadAsync(path, readOptions, null, cancellationToken), readOptions.Task, cancellationToken);
            parse.InvocationConfiguration.Output.WriteLine(parse.GetValue(json) ? ToJson(path, stats) : ToTable(path, stats));
            return LocusCli.Ok;
        });
        return command;
    }

    private static string ToTable(string path, DatasetStatistics stats)
    {
        var text = new StringBuilder();
        text.AppendLine($"{path}: {stats.Task.ToName()}, {stats.ExampleCount} examples");
        if (stats.Task == DataTask.Ner)
            text.AppendLine($"entities: {stats.EntityCount}, examples without entities: {stats.ExamplesWithoutEntities}");
        else if (stats.MultiLabelExamples > 0)
            text.AppendLine($"multi-label examples: {stats.MultiLabelExamples}");
        text.AppendLine();

        var labelHeader = stats.Task == DataTask.Ner ? "entity type" : "label";
        var total = stats.LabelCounts.Sum(p => p.Value);
        var width = Math.Max(labelHeader.Length, stats.LabelCounts.Select(p => p.Key.Length).DefaultIfEmpty(0).Max());
        text.AppendLine($"{labelHeader.PadRight(width)}  {"count",8}  {"share",6}");
        foreach (var (label, count) in stats.LabelCounts)
            text.AppendLine($"{label.PadRight(width)}  {count,8}  {Percent(count, total),6}");
        text.AppendLine();

        text.AppendLine($"{"length",-20}  {"min",7}  {"mean",7}  {"median",7}  {"p95",7}  {"max",7}");
        AppendRow(text, "characters", stats.Characters);
        AppendRow(text, "tokens", stats.Tokens);
        if (stats.SpansPerExample is { } spans) AppendRow(text, "entities/example", spans);
        return text.ToString().TrimEnd();
    }

    private static void AppendRow(StringBuilder text, string name, Distribution d) =>
        text.AppendLine($"{name,-20}  {F(d.Min),7}  {F(d.Mean),7}  {F(d.Median),7}  {F(d.P95),7}  {F(d.Max),7}");

    private static string F(double value) => value.ToString(value == Math.Floor(value) ? "0" : "0.0#", CultureInfo.InvariantCulture);

    private static string Percent(int count, int total) =>
        total == 0 ? "-" : (100.0 * count / total).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string ToJson(string path, DatasetStatistics stats) => JsonText.Write(json =>
    {
        json.WriteStartObject();
        json.WriteString("file", path);
        json.WriteString("task", stats.Task.ToName());
        json.WriteNumber("examples", stats.ExampleCount);
        if (stats.EntityCount is { } entities) json.WriteNumber("entities", entities);
        if (stats.ExamplesWithoutEntities is { } without) json.WriteNumber("examples_without_entities", without);
        if (stats.MultiLabelExamples is { } multi) json.WriteNumber("multi_label_examples", multi);
        json.WriteStartObject("label_counts");
        foreach (var (label, count) in stats.LabelCounts) json.WriteNumber(label, count);
        json.WriteEndObject();
        WriteDistribution(json, "characters", stats.Characters);
        WriteDistribution(json, "tokens", stats.Tokens);
        if (stats.SpansPerExample is { } spans) WriteDistribution(json, "entities_per_example", spans);
        json.WriteEndObject();
    });

    private static void WriteDistribution(Utf8JsonWriter json, string name, Distribution d)
    {
        json.WriteStartObject(name);
        json.WriteNumber("min", d.Min);
        json.WriteNumber("mean", d.Mean);
        json.WriteNumber("median", d.Median);
        json.WriteNumber("p95", d.P95);
        json.WriteNumber("max", d.Max);
        json.WriteEndObject();
    }
}
