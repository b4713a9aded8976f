using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Locus.Specialization.Runs;

/// <summary>
/// Reads and writes the JSON files of a run store (<c>run.json</c>, <c>production.json</c>): snake_case names, enums
/// as snake_case strings, indented. Writes go through a temporary file and a rename, so a crash (even kill -9) leaves
/// either the previous file or the new one, never a torn one.
/// </summary>
public static class RunManifestJson
{
    /// <summary>The layout version this code writes and the newest it reads.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>The serializer settings for run files.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Serialises a manifest (or a promotion record) to indented JSON.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Writes <paramref name="value"/> to <paramref name="path"/> atomically (temporary file + rename).</summary>
    public static Task WriteAsync<T>(string path, T value, CancellationToken cancellationToken = default) =>
        AtomicFile.WriteAsync(path, async (stream, token) =>
        {
            await JsonSerializer.SerializeAsync(stream, value, Options, token);
            stream.WriteByte((byte)'\n');
        }, cancellationToken);

    /// <summary>Reads and checks a manifest.</summary>
    /// <exception cref="DataFormatException">The file is missing, is not JSON, or a field is missing or invalid; the message names the file, line and field.</exception>
    public static async Task<RunManifest> ReadManifestAsync(string path, CancellationToken cancellationToken = default)
    {
        var manifest = await ReadAsync<RunManifest>(path, cancellationToken);
        RunManifestValidator.Validate(manifest, path);
        return manifest;
    }

    /// <summary>Reads a JSON file of the run store into <typeparamref name="T"/>, turning every failure into a located error.</summary>
    /// <exception cref="DataFormatException">The file is missing or does not hold a valid <typeparamref name="T"/>.</exception>
    public static async Task<T> ReadAsync<T>(string path, CancellationToken cancellationToken = default) where T : class
    {
        if (!File.Exists(path)) throw new DataFormatException(path, 0, null, "the file is missing");
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, useAsync: true);
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(stream, Options, cancellationToken)
                ?? throw new DataFormatException(path, 1, null, "the file holds null instead of an object");
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is { } zeroBased ? (int)zeroBased + 1 : 0;
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? null : e.Path.TrimStart('$', '.');
            throw new DataFormatException(path, line, field, WithoutLocation(e.Message));
        }
    }

    // JsonException messages end with "Path: $.x | LineNumber: 3 | BytePositionInLine: 4."; the location is already
    // in DataFormatException's own format.
    private static string WithoutLocation(string message)
    {
        var at = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return (at >= 0 ? message[..at] : message).TrimEnd();
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            WriteIndented = true,
            RespectNullableAnnotations = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
