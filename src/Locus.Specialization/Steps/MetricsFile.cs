using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Locus.Specialization.Steps;

/// <summary><c>metrics.json</c> in a run folder: the scores on the dev seeds and the test set (and the selection model's test scores after a refit), as <see cref="ModelScores.Evaluate"/> gives them.</summary>
public sealed class MetricsFile : IVersionedJson
{
    /// <summary>The file name inside a run version's folder.</summary>
    public const string FileName = "metrics.json";

    /// <summary>The layout; files from before it hold the same splits and are read as they are.</summary>
    public static LocusFileFormat FileFormat { get; } = new("metrics", 1);

    /// <inheritdoc/>
    [JsonPropertyOrder(-1)]
    public string? Format { get; set; }

    /// <summary>The scores on the dev seeds.</summary>
    public JsonObject? Dev { get; set; }

    /// <summary>The scores on the test set, when one was given.</summary>
    public JsonObject? Test { get; set; }

    /// <summary>
    /// When the final model was refitted on all the seeds: the test scores of the model that chose its epoch count
    /// (trained without the dev seeds), which show what the refit changed.
    /// </summary>
    public JsonObject? SelectionTest { get; set; }

    /// <summary>Writes <paramref name="scores"/> (<c>dev</c>, and <c>test</c> and <c>selection_test</c> when present) to <paramref name="path"/> atomically.</summary>
    public static Task WriteAsync(string path, JsonObject scores, CancellationToken cancellationToken) =>
        LocusJson.WriteFileAsync(path, new MetricsFile { Dev = Split(scores, "dev"), Test = Split(scores, "test"), SelectionTest = Split(scores, "selection_test") }, FileFormat, cancellationToken: cancellationToken);

    /// <summary>Reads the scores by split (<c>dev</c>, <c>test</c>, <c>selection_test</c>) from <paramref name="path"/>.</summary>
    /// <exception cref="DataFormatException">The file is missing, not JSON, or in another layout.</exception>
    public static async Task<JsonObject> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var file = await LocusJson.ReadFileAsync<MetricsFile>(path, FileFormat, cancellationToken: cancellationToken);
        var scores = new JsonObject();
        if (file.Dev is { } dev) scores["dev"] = dev;
        if (file.Test is { } test) scores["test"] = test;
        if (file.SelectionTest is { } selection) scores["selection_test"] = selection;
        return scores;
    }

    private static JsonObject? Split(JsonObject scores, string name) => scores[name]?.DeepClone().AsObject();
}
