using System.Text.Json;
using System.Text.Json.Nodes;

namespace Locus.Specialization.Runs;

/// <summary>
/// Reads and writes the JSON files of a run store (<c>run.json</c>, <c>production.json</c>) under
/// <see cref="LocusJson"/>'s policy, nullable annotations enforced. Writes go through a temporary file and a rename, so
/// a crash (even kill -9) leaves either the previous file or the new one, never a torn one.
/// </summary>
public static class RunManifestJson
{
    /// <summary>
    /// The layout of <c>run.json</c>. Files from before it carry <c>"schema_version": 1</c> and the same member names;
    /// they are read, their metrics' report members (camelCase then) renamed to snake_case.
    /// </summary>
    public static LocusFileFormat ManifestFormat { get; } = new("run", 2);

    /// <summary>The layout of <c>production.json</c>; files from before it (<c>"schema_version": 1</c>) are read as they are.</summary>
    public static LocusFileFormat PromotionFormat { get; } = new("promotion", 2);

    /// <summary>The serializer settings for run files.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Serialises a manifest (or a promotion record) to indented JSON.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Writes <paramref name="manifest"/> to <paramref name="path"/> atomically (temporary file + rename).</summary>
    public static Task WriteAsync(string path, RunManifest manifest, CancellationToken cancellationToken = default) =>
        LocusJson.WriteFileAsync(path, manifest, ManifestFormat, Options, cancellationToken);

    /// <summary>Writes <paramref name="record"/> to <paramref name="path"/> atomically (temporary file + rename).</summary>
    public static Task WriteAsync(string path, PromotionRecord record, CancellationToken cancellationToken = default) =>
        LocusJson.WriteFileAsync(path, record, PromotionFormat, Options, cancellationToken);

    /// <summary>Reads and checks a manifest.</summary>
    /// <exception cref="DataFormatException">The file is missing, is not JSON, or a field is missing or invalid; the message names the file, line and field.</exception>
    public static async Task<RunManifest> ReadManifestAsync(string path, CancellationToken cancellationToken = default)
    {
        var manifest = await LocusJson.ReadFileAsync<RunManifest>(path, ManifestFormat, Options, cancellationToken);
        if (manifest.Format is null) manifest.Metrics = SnakeCaseMembers(manifest.Metrics);
        RunManifestValidator.Validate(manifest, path);
        return manifest;
    }

    /// <summary>Reads a promotion record.</summary>
    /// <exception cref="DataFormatException">The file is missing or does not hold a valid record.</exception>
    public static Task<PromotionRecord> ReadPromotionAsync(string path, CancellationToken cancellationToken = default) =>
        LocusJson.ReadFileAsync<PromotionRecord>(path, PromotionFormat, Options, cancellationToken);

    // Evaluation reports were camelCase inside snake_case manifests; renamed, old and new runs compare path by path.
    private static JsonObject SnakeCaseMembers(JsonObject node) =>
        new(node.Select(p => KeyValuePair.Create(JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Key), Renamed(p.Value))));

    private static JsonNode? Renamed(JsonNode? node) => node switch
    {
        JsonObject o => SnakeCaseMembers(o),
        JsonArray a => new JsonArray([.. a.Select(Renamed)]),
        _ => node?.DeepClone(),
    };

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(LocusJson.Options) { RespectNullableAnnotations = true };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
