using System.Text.Json;
using System.Text.Json.Nodes;
using Locus.Data;
using Locus.Evaluation;
using Locus.Training.FineTuning;

namespace Locus.Specialization.Steps;

/// <summary>
/// Scores a trained model on labelled examples and returns the report as JSON, in the shape <c>locus eval --json</c>
/// prints, plus a flat headline (<c>f1</c> for NER, <c>accuracy</c> for classification) that run listings rank by.
/// </summary>
public static class ModelScores
{
    /// <summary>Evaluates <paramref name="model"/> on <paramref name="examples"/>.</summary>
    public static JsonObject Evaluate(TrainedModel model, IReadOnlyList<Example> examples, CancellationToken cancellationToken)
    {
        if (model.IsNer)
        {
            var ner = model.NerPredictor().Evaluate(examples.Cast<NerExample>().ToList(), cancellationToken);
            return new JsonObject
            {
                ["examples"] = examples.Count,
                ["f1"] = ner.Report.Micro.F1,
                ["entities"] = Node(ner.Report),
                ["calibration"] = Node(ner.Calibration),
            };
        }
        var text = model.TextPredictor().Evaluate(examples.Cast<ClassificationExample>().ToList(), cancellationToken);
        var headline = text.Report is { } single ? single.Accuracy : text.MultiLabelReport!.Micro.F1;
        return new JsonObject
        {
            ["examples"] = examples.Count,
            [text.Report is null ? "f1" : "accuracy"] = headline,
            ["classification"] = text.Report is null ? Node(text.MultiLabelReport) : Node(text.Report),
            ["calibration"] = Node(text.Calibration),
        };
    }

    private static JsonNode? Node<T>(T value) => value is null ? null : JsonSerializer.SerializeToNode(value, LocusJson.Options);
}
