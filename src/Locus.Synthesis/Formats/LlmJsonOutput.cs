using System.Text.Json;

namespace Locus.Synthesis;

/// <summary>
/// Reads a model's answer strictly: a JSON object <c>{"examples": [...]}</c>, optionally wrapped in one Markdown code
/// fence (<c>```json ... ```</c>). Anything else (prose around the JSON, comments, trailing commas, a bare array,
/// truncated output) is rejected with the reason.
/// </summary>
public static class LlmJsonOutput
{
    private const string Fence = "```";

    /// <summary>The items of the <c>examples</c> array, or null with <paramref name="problem"/> saying what is wrong.</summary>
    public static IReadOnlyList<JsonElement>? TryReadExamples(string answer, out string? problem)
    {
        problem = null;
        var json = answer.Trim();
        if (json.StartsWith(Fence, StringComparison.Ordinal))
        {
            var firstLineEnd = json.IndexOf('\n');
            if (firstLineEnd < 0 || !json.EndsWith(Fence, StringComparison.Ordinal) || json.Length < firstLineEnd + Fence.Length)
            {
                problem = "a code fence that is not closed, or text after it";
                return null;
            }
            var language = json[Fence.Length..firstLineEnd].Trim();
            if (language.Length > 0 && !language.Equals("json", StringComparison.OrdinalIgnoreCase))
            {
                problem = $"a code fence of language '{language}', not json";
                return null;
            }
            json = json[(firstLineEnd + 1)..^Fence.Length].Trim();
        }
        if (json.Length == 0)
        {
            problem = "an empty answer";
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = $"expected a JSON object with an \"examples\" array, found a JSON {root.ValueKind.ToString().ToLowerInvariant()}";
                return null;
            }
            if (!root.TryGetProperty("examples", out var examples) || examples.ValueKind != JsonValueKind.Array)
            {
                problem = "the JSON object has no \"examples\" array";
                return null;
            }
            return examples.EnumerateArray().Select(e => e.Clone()).ToList();
        }
        catch (JsonException e)
        {
            problem = $"malformed JSON (line {(e.LineNumber ?? 0) + 1}, character {(e.BytePositionInLine ?? 0) + 1}): {e.Message.Split(" LineNumber", 2)[0]}";
            return null;
        }
    }
}
