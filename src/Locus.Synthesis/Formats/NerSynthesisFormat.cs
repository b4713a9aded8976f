using System.Text.Json;
using System.Text.Json.Nodes;
using Locus.Data;

namespace Locus.Synthesis;

/// <summary>
/// NER items: <c>{"text": "...", "entities": [{"text": "&lt;exact substring&gt;", "label": "...", "occurrence"?: n}]}</c>.
/// Mentions are located in the text by <see cref="MentionLocator"/>.
/// </summary>
internal sealed class NerSynthesisFormat(LabelSchema schema) : ISynthesisTaskFormat
{
    private readonly string _labelList = string.Join(", ", schema.Labels.Select(l => l.Name));

    public JsonElement OutputSchema { get; } = OutputJson.ExamplesSchema(new JsonObject
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["text"] = new JsonObject { ["type"] = "string" },
            ["entities"] = new JsonObject
            {
                ["type"] = "array",
                ["items"] = new JsonObject
                {
                    ["type"] = "object",
                    ["properties"] = new JsonObject
                    {
                        ["text"] = new JsonObject { ["type"] = "string" },
                        ["label"] = new JsonObject { ["type"] = "string", ["enum"] = OutputJson.Strings(schema.Labels.Select(l => l.Name)) },
                        ["occurrence"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1 },
                    },
                    ["required"] = new JsonArray("text", "label"),
                },
            },
        },
        ["required"] = new JsonArray("text", "entities"),
    });

    public string TaskDescription =>
        "Named-entity recognition: write new texts and mark every mention of an entity of the types below.";

    public string OutputInstructions => $$"""
        Return only a JSON object, with no other text, of exactly this form:
        {"examples": [{"text": "<the example text>", "entities": [{"text": "<exact substring of the example text>", "label": "<one of: {{_labelList}}>"}]}]}
        Rules:
        - Copy each entity's "text" character for character from the example's text. Do not give character offsets.
        - Every occurrence of an entity's text in the example is labelled. If the same string occurs more than once and only one occurrence is an entity, add "occurrence": n to that entity (1 = the first occurrence).
        - Use only the labels listed above. A text without entities has "entities": [].
        """;

    public string FocusInstruction(string label) => $"In this batch, most examples should contain at least one '{label}' entity.";

    public IEnumerable<string> LabelsOf(Example example) => ((NerExample)example).Spans.Select(s => s.Label).Distinct();

    public string FormatSeed(Example example)
    {
        var ner = (NerExample)example;
        var entities = new JsonArray();
        foreach (var mention in MentionLocator.ToMentions(ner))
        {
            var entity = new JsonObject { ["text"] = mention.Text, ["label"] = mention.Label };
            if (mention.Occurrence is { } n) entity["occurrence"] = n;
            entities.Add(entity);
        }
        return OutputJson.Write(new JsonObject { ["text"] = ner.Text, ["entities"] = entities });
    }

    public Example? Read(JsonElement item, out string? problem)
    {
        var text = OutputJson.RequireString(item, "text", out problem);
        if (text is null) return null;
        if (!item.TryGetProperty("entities", out var entities) || entities.ValueKind != JsonValueKind.Array)
        {
            problem = "missing \"entities\" array";
            return null;
        }

        var mentions = new List<EntityMention>();
        foreach (var entity in entities.EnumerateArray())
        {
            var where = $"entities[{mentions.Count}]";
            var mention = OutputJson.RequireString(entity, "text", out problem);
            var label = mention is null ? null : OutputJson.RequireString(entity, "label", out problem);
            if (mention is null || label is null)
            {
                problem = $"{where}: {problem}";
                return null;
            }
            if (!schema.Contains(label))
            {
                problem = $"{where}: label '{label}' is not in the schema ({_labelList})";
                return null;
            }
            int? occurrence = null;
            if (entity.TryGetProperty("occurrence", out var n) && n.ValueKind != JsonValueKind.Null)
            {
                if (n.ValueKind != JsonValueKind.Number || !n.TryGetInt32(out var value))
                {
                    problem = $"{where}: \"occurrence\" is not an integer";
                    return null;
                }
                occurrence = value;
            }
            mentions.Add(new EntityMention(mention, label, occurrence));
        }

        var spans = MentionLocator.TryLocate(text, mentions, out problem);
        return spans is null ? null : new NerExample(text, spans);
    }
}
