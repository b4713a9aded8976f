using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Locus.Cli.Commands.Training;
using Locus.Specialization.Runs;
using Locus.Data;
using Locus.Evaluation;
using Locus.Training.FineTuning;

namespace Locus.Cli.Commands;

/// <summary><c>locus eval</c>: the full report of a trained model on labelled data: per-label scores, calibration, confusion.</summary>
public static class EvalCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A model folder written by locus train (or merge), or a run of locus specialize (runs/NAME: its promoted, else latest, version).", Required = true };
        var data = new Option<string>("--data") { Description = "Labelled data to score (JSONL, CoNLL or CSV).", Required = true };
        var baseModel = new Option<string?>("--base") { Description = "Where the adapter's base model is, if it moved." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var batch = new Option<int>("--batch-size") { Description = "Windows per forward pass.", DefaultValueFactory = _ => 32 }.InRange(1, null);

        var command = new Command("eval", "Evaluate a trained model: entity or label scores per label, averages, calibration (ECE) and confusion.");
        foreach (var option in new Option[] { model, data, baseModel, json, batch }) command.Options.Add(option);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var trained = TrainedModel.Load(await ModelLocator.ResolveAsync(parse.GetValue(model)!, cancellationToken), parse.GetValue(baseModel));
            var task = trained.IsNer ? DataTask.Ner : DataTask.Classification;
            var examples = await CommandInputs.ReadExamplesAsync(parse.GetValue(data)!, task, cancellationToken);
            var output = parse.InvocationConfiguration.Output;
            if (trained.IsNer)
            {
                var result = trained.NerPredictor(parse.GetValue(batch)).Evaluate(examples.Cast<NerExample>().ToList(), cancellationToken);
                if (parse.GetValue(json)) output.WriteLine(JsonSerializer.Serialize(new { entities = result.Report, calibration = result.Calibration }, EvaluationJson.Options));
                else
                {
                    output.WriteLine(result.Report.ToText(4));
                    WriteCalibration(output, result.Calibration, "span confidence");
                }
                return LocusCli.Ok;
            }

            var evaluation = trained.TextPredictor(parse.GetValue(batch)).Evaluate(examples.Cast<ClassificationExample>().ToList(), cancellationToken);
            if (parse.GetValue(json))
                output.WriteLine(JsonSerializer.Serialize(new { classification = (object?)evaluation.Report ?? evaluation.MultiLabelReport, calibration = evaluation.Calibration }, EvaluationJson.Options));
            else
            {
                output.WriteLine(evaluation.Report?.ToText(4) ?? evaluation.MultiLabelReport!.ToText(4));
                if (evaluation.Report is { } report) output.WriteLine(report.ConfusionMatrix.ToText());
                WriteCalibration(output, evaluation.Calibration, "top-label probability");
            }
            return LocusCli.Ok;
        });
        return command;
    }

    static void WriteCalibration(TextWriter output, CalibrationReport? calibration, string what)
    {
        if (calibration is null) return;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"calibration of {what}: ECE {calibration.ExpectedCalibrationError:F4}, MCE {calibration.MaximumCalibrationError:F4}, Brier {calibration.BrierScore:F4} ({calibration.Bins.Count} bins)"));
    }
}
