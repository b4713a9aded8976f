using System.Text.Json;
using System.Text.Json.Nodes;
using Locus.Data;

namespace Locus.Synthesis;

/// <summary>
/// Classification items: <c>{"text": "...", "label": "..."}</c>, or <c>{"text": "...", "labels": [...]}</c> when the
/// seeds are multi-label.
/// </summary>
internal sealed class ClassificationSynthesisFormat(LabelSchema schema, bool multiLabel) : ISynthesisTaskFormat
{
    private readonly string _labelList = string.Join(", ", schema.Labels.Select(l => l.Name));

    public JsonElement OutputSchema { get; } = OutputJson.ExamplesSchema(new JsonObject
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["text"] = new JsonObject { ["type"] = "string" },
            [multiLabel ? "labels" : "label"] = multiLabel
                ? new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string", ["enum"] = OutputJson.Strings(schema.Labels.Select(l => l.Name)) } }
                : new JsonObject { ["type"] = "string", ["enum"] = OutputJson.Strings(schema.Labels.Select(l => l.Name)) },
        },
        ["required"] = new JsonArray("text", multiLabel ? "labels" : "label"),
    });

    public string TaskDescription => multiLabel
        ? "Multi-label text classification: write new texts, each with every label below that applies to it."
        : "Text classification: write new texts, each with exactly one of the labels below.";

    public string OutputInstructions => multiLabel
        ? $$"""
          Return only a JSON object, with no other text, of exactly this form:
          {"examples": [{"text": "<the example text>", "labels": ["<zero or more of: {{_labelList}}>"]}]}
          Use only the labels listed above.
          """
        : $$"""
          Return only a JSON object, with no other text, of exactly this form:
          {"examples": [{"text": "<the example text>", "label": "<one of: {{_labelList}}>"}]}
          Use only the labels listed above.
          """;

    public string FocusInstruction(string label) => multiLabel
        ? $"In this batch, most examples should carry the label '{label}'."
        : $"In this batch, write examples for the label '{label}' only.";

    public IEnumerable<string> LabelsOf(Example example) => ((ClassificationExample)example).Labels;

    public string FormatSeed(Example example)
    {
        var classification = (ClassificationExample)example;
        var item = new JsonObject { ["text"] = classification.Text };
        if (multiLabel) item["labels"] = OutputJson.Strings(classification.Labels);
        else item["label"] = classification.Label;
        return OutputJson.Write(item);
    }

    public Example? Read(JsonElement item, out string? problem)
    {
        var text = OutputJson.RequireString(item, "text", out problem);
        if (text is null) return null;
        if (!multiLabel)
        {
            var label = OutputJson.RequireString(item, "label", out problem);
            if (label is null) return null;
            if (schema.Contains(label)) return new ClassificationExample(text, label);
            problem = $"label '{label}' is not in the schema ({_labelList})";
            return null;
        }

        if (!item.TryGetProperty("labels", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            problem = "missing \"labels\" array";
            return null;
        }
        var labels = new List<string>();
        foreach (var element in array.EnumerateArray())
        {
            var label = element.ValueKind == JsonValueKind.String ? element.GetString() : null;
            if (string.IsNullOrWhiteSpace(label) || !schema.Contains(label))
            {
                problem = $"labels[{labels.Count}]: {element.GetRawText()} is not a label of the schema ({_labelList})";
                return null;
            }
            if (!labels.Contains(label)) labels.Add(label);
        }
        return new ClassificationExample(text, labels);
    }
}
