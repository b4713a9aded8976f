using System.Text.Json;

namespace Locus.Evaluation;

/// <summary>JSON settings for evaluation results in run records and <c>--json</c> output.</summary>
public static class EvaluationJson
{
    /// <summary>camelCase property names, enums as strings, indented; every report type serialises with these.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Serialises a report (or any result record of this library) to JSON.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true };
        // Shared by every caller: freeze it so nobody changes the format of everyone's run records.
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Reads a report back from JSON written by <see cref="Serialize{T}"/>.</summary>
    /// <exception cref="JsonException">The text is not valid JSON for <typeparamref name="T"/>.</exception>
    public static T? Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options);
}
