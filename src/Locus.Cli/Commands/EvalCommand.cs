using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Locus.Cli.Commands.Training;
using Locus.Specialization.Runs;
using Locus.Atlas.Data;
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
        var records = new Option<string?>("--records") { Description = "Also write per-example outcome records (JSONL in the atlas's format: model, query_id, query_text, score in [0,1], cost) to this file." };
        var recordsModel = new Option<string?>("--records-model") { Description = "The model name in the records (default: the run's name, else the model folder's name)." };
        var cost = new Option<double?>("--cost") { Description = "Cost per call to put in the records (any unit)." };

        var command = new Command("eval", "Evaluate a trained model: entity or label scores per label, averages, calibration (ECE) and confusion.");
        foreach (var option in new Option[] { model, data, baseModel, json, batch, records, recordsModel, cost }) command.Options.Add(option);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var located = await ModelLocator.LocateAsync(parse.GetValue(model)!, cancellationToken);
            using var trained = TrainedModel.Load(located.ModelFolder, parse.GetValue(baseModel), CliLogging.Logger);
            var outcomes = parse.GetValue(records) is { } recordsPath
                ? new OutcomeRecords(recordsPath, parse.GetValue(recordsModel) ?? located.DefaultName, parse.GetValue(cost))
                : null;
            var task = trained.IsNer ? DataTask.Ner : DataTask.Classification;
            var examples = await CommandInputs.ReadExamplesAsync(parse.GetValue(data)!, task, cancellationToken);
            var output = parse.InvocationConfiguration.Output;
            if (trained.IsNer)
            {
                var nerExamples = examples.Cast<NerExample>().ToList();
                var result = trained.NerPredictor(parse.GetValue(batch)).Evaluate(nerExamples, cancellationToken);
                outcomes?.Write(nerExamples, nerExamples.Select((e, i) => ExampleOutcome.EntityF1(
                    e.Spans.Select(s => new Locus.Evaluation.EntitySpan(s.Start, s.End, s.Label)).ToList(),
                    result.Predictions[i].Select(s => new Locus.Evaluation.EntitySpan(s.Start, s.End, s.Label)).ToList())));
                if (parse.GetValue(json)) output.WriteLine(LocusJson.Serialize(new { entities = result.Report, calibration = result.Calibration }));
                else
                {
                    output.WriteLine(result.Report.ToText(4));
                    WriteCalibration(output, result.Calibration, "span confidence");
                }
                return LocusCli.Ok;
            }

            var textExamples = examples.Cast<ClassificationExample>().ToList();
            var evaluation = trained.TextPredictor(parse.GetValue(batch)).Evaluate(textExamples, cancellationToken);
            outcomes?.Write(textExamples, textExamples.Select((e, i) => trained.Manifest.MultiLabel
                ? ExampleOutcome.Labels(e.Labels, evaluation.Predictions[i].Labels)
                : ExampleOutcome.Label(e.Label, evaluation.Predictions[i].Labels[0])));
            if (parse.GetValue(json))
                output.WriteLine(LocusJson.Serialize(new { classification = (object?)evaluation.Report ?? evaluation.MultiLabelReport, calibration = evaluation.Calibration }));
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

    /// <summary>Per-example outcome records for the atlas: query ids are the examples' ids, else their 1-based position.</summary>
    sealed class OutcomeRecords(string path, string model, double? cost)
    {
        public void Write(IReadOnlyList<Example> examples, IEnumerable<double> scores) =>
            EvaluationJsonlWriter.Write(path, scores.Select((score, i) =>
                new EvaluationRecord(model, examples[i].Id ?? (i + 1).ToString(CultureInfo.InvariantCulture), score, examples[i].Text, cost)));
    }

    static void WriteCalibration(TextWriter output, CalibrationReport? calibration, string what)
    {
        if (calibration is null) return;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"calibration of {what}: ECE {calibration.ExpectedCalibrationError:F4}, MCE {calibration.MaximumCalibrationError:F4}, Brier {calibration.BrierScore:F4} ({calibration.Bins.Count} bins)"));
    }
}
