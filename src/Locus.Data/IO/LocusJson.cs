using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Locus;

/// <summary>
/// The one JSON policy of Locus, for every file it keeps for itself (run records, model, index and atlas metadata,
/// caches, checkpoints, bench reports), every <c>--json</c> output and the HTTP API of <c>locus serve</c>: snake_case
/// member names, enums as snake_case strings, null members left out. Dictionary keys are data (labels, file names,
/// module names) and stay as they are. Files that other tools read or write keep those tools' layouts instead: Hugging
/// Face and PEFT files, OpenAI-compatible requests and answers, and the JSONL data formats users give.
/// Every file Locus keeps for itself names its layout in a first member <c>"format": "locus-KIND-N"</c>
/// (<see cref="LocusFileFormat"/>, read back by <see cref="ReadFile{T}"/>).
/// </summary>
public static class LocusJson
{
    /// <summary>The member that names a file's layout.</summary>
    public const string FormatMember = "format";

    // Non-ASCII labels and texts stay readable in files and terminals; nothing here is embedded in HTML.
    private static readonly JavaScriptEncoder Readable = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>The policy, indented: files and <c>--json</c> output.</summary>
    public static JsonSerializerOptions Options { get; } = Freeze(Apply(new JsonSerializerOptions { WriteIndented = true, Encoder = Readable }));

    /// <summary>The policy on one line: JSONL records.</summary>
    public static JsonSerializerOptions Compact { get; } = Freeze(Apply(new JsonSerializerOptions { Encoder = Readable }));

    /// <summary>Writer settings for output built member by member with a <see cref="Utf8JsonWriter"/>: indented, as <see cref="Options"/>.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Indented = true, Encoder = Readable };

    /// <summary>
    /// The files that Locus wrote before their layouts were versioned used .NET's default names (PascalCase or
    /// camelCase); member names are matched ignoring case, so both read.
    /// </summary>
    private static readonly JsonSerializerOptions DotNetNames = Freeze(new JsonSerializerOptions
    {
        PropertyNameCaseInsensitive = true,
        Converters = { new JsonStringEnumConverter() },
    });

    /// <summary>
    /// Applies the naming rules to <paramref name="options"/> (also to ASP.NET Core's own options, so that the
    /// server's OpenAPI document describes what it sends); returns <paramref name="options"/>.
    /// </summary>
    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        return options;
    }

    /// <summary>Serialises <paramref name="value"/> with <see cref="Options"/>.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Writes <paramref name="value"/> to <paramref name="path"/> atomically in <paramref name="format"/>, indented, ending in a new line.</summary>
    /// <exception cref="LocusException"><paramref name="path"/> is a folder.</exception>
    public static void WriteFile<T>(string path, T value, LocusFileFormat format, JsonSerializerOptions? options = null) where T : IVersionedJson
    {
        value.Format = format.Name;
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(value, options ?? Options) + "\n");
    }

    /// <summary>Asynchronous <see cref="WriteFile{T}"/>.</summary>
    public static Task WriteFileAsync<T>(string path, T value, LocusFileFormat format, JsonSerializerOptions? options = null,
        CancellationToken cancellationToken = default) where T : IVersionedJson
    {
        value.Format = format.Name;
        return AtomicFile.WriteAsync(path, async (stream, token) =>
        {
            await JsonSerializer.SerializeAsync(stream, value, options ?? Options, token);
            stream.WriteByte((byte)'\n');
        }, cancellationToken);
    }

    /// <summary>
    /// Reads a file in <paramref name="format"/>. A file without a format member was written before layouts were
    /// versioned and is read or refused as <see cref="LocusFileFormat.Legacy"/> says; another format is refused.
    /// </summary>
    /// <exception cref="DataFormatException">
    /// The file is missing, is not JSON for <typeparamref name="T"/>, or holds another format; the message names the
    /// file, the field and what to do.
    /// </exception>
    public static T ReadFile<T>(string path, LocusFileFormat format, JsonSerializerOptions? options = null) where T : class, IVersionedJson
    {
        if (!File.Exists(path)) throw new DataFormatException(path, 0, null, "the file is missing");
        return Check<T>(path, File.ReadAllText(path), format, options ?? Options);
    }

    /// <summary>Asynchronous <see cref="ReadFile{T}"/>; the file may be replaced (renamed over) while it is read.</summary>
    /// <exception cref="DataFormatException">As <see cref="ReadFile{T}"/>.</exception>
    public static async Task<T> ReadFileAsync<T>(string path, LocusFileFormat format, JsonSerializerOptions? options = null,
        CancellationToken cancellationToken = default) where T : class, IVersionedJson
    {
        if (!File.Exists(path)) throw new DataFormatException(path, 0, null, "the file is missing");
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, useAsync: true);
        using var reader = new StreamReader(stream, AtomicFile.Utf8);
        return Check<T>(path, await reader.ReadToEndAsync(cancellationToken), format, options ?? Options);
    }

    private static T Check<T>(string path, string text, LocusFileFormat format, JsonSerializerOptions options) where T : class, IVersionedJson
    {
        var value = Deserialize<T>(path, text, options);
        if (value.Format == format.Name) return value;
        if (value.Format is { } other)
            throw new DataFormatException(path, 0, FormatMember, $"'{other}' is not {format.Name}, the layout this version of Locus reads; {format.Remedy ?? "it was written by another version of Locus"}");
        // Format stays null, so that a reader can bring what else changed up to date (see RunManifestJson).
        return format.Legacy switch
        {
            LegacyLayout.SameNames => value,
            LegacyLayout.DotNetNames => Deserialize<T>(path, text, DotNetNames),
            _ => throw new DataFormatException(path, 0, FormatMember, $"missing: the file was written by an earlier version of Locus, before {format.Name}; {format.Remedy ?? "write it again"}"),
        };
    }

    /// <summary>Deserialises <paramref name="text"/>, turning every failure into an error that names the file, line and field.</summary>
    /// <exception cref="DataFormatException">The text is not JSON for <typeparamref name="T"/>.</exception>
    public static T Deserialize<T>(string path, string text, JsonSerializerOptions? options = null) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text, options ?? Options) ?? throw new DataFormatException(path, 1, null, "the file holds null instead of an object");
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, e.LineNumber is { } zeroBased ? (int)zeroBased + 1 : 0, e.Path, e.Message);
        }
    }

    private static JsonSerializerOptions Freeze(JsonSerializerOptions options)
    {
        // Shared by every caller: read-only, so that nobody changes the format of everyone's files.
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>A file that Locus keeps for itself, with its layout named in <see cref="LocusJson.FormatMember"/>.</summary>
public interface IVersionedJson
{
    /// <summary>
    /// The layout, <c>locus-KIND-N</c>; set by <see cref="LocusJson.WriteFile{T}"/> and checked by
    /// <see cref="LocusJson.ReadFile{T}"/>, null in files written before layouts were versioned.
    /// with <c>[JsonPropertyOrder(-1)]</c> on the implementation, so that it comes first in the file.
    /// </summary>
    string? Format { get; set; }
}

/// <summary>How a reader treats a file without a format member, written by Locus before layouts were versioned.</summary>
public enum LegacyLayout
{
    /// <summary>Refuse it, with <see cref="LocusFileFormat.Remedy"/>: for what is cheap to make again.</summary>
    Refuse,

    /// <summary>Its member names are today's: read it as it is.</summary>
    SameNames,

    /// <summary>It used .NET's default member names (PascalCase or camelCase): read them ignoring case.</summary>
    DotNetNames,
}

/// <summary>The layout of a file kind: <c>locus-KIND-N</c>, and what readers do with older files.</summary>
/// <param name="Kind">The file kind, e.g. <c>run</c>.</param>
/// <param name="Version">The layout version, raised when readers of the previous one would misread the file.</param>
public sealed record LocusFileFormat(string Kind, int Version)
{
    /// <summary>The value of the format member: <c>locus-KIND-N</c>.</summary>
    public string Name => $"locus-{Kind}-{Version}";

    /// <summary>What a reader does with a file that has no format member.</summary>
    public LegacyLayout Legacy { get; init; } = LegacyLayout.SameNames;

    /// <summary>What the user should do about a file in another layout (one clause); null: a general hint.</summary>
    public string? Remedy { get; init; }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
