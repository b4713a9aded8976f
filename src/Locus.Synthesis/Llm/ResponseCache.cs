using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace Locus.Synthesis;

/// <summary>An answer as stored in the cache.</summary>
/// <param name="Text">The assistant message's text.</param>
/// <param name="PromptTokens">Prompt tokens the server reported.</param>
/// <param name="CompletionTokens">Completion tokens the server reported.</param>
/// <param name="Model">The model that answered, as the server named it.</param>
internal sealed record CachedResponse(string Text, long? PromptTokens, long? CompletionTokens, string? Model) : IVersionedJson
{
    /// <summary>The layout of a cache file; files from before it have the same members and are read as they are.</summary>
    public static LocusFileFormat FileFormat { get; } = new("llm-cache", 1);

    /// <inheritdoc/>
    [JsonPropertyOrder(-1)]
    public string? Format { get; set; }
}

/// <summary>
/// A disk cache of answers, one JSON file per request (<c>{folder}/{key[0..2]}/{key}.json</c>) written atomically,
/// so that a rerun makes no calls and an interrupted run resumes with the missing ones. Files hold the answer and
/// its usage only: no endpoint, no key.
/// </summary>
internal sealed class ResponseCache(string folder, ILogger logger)
{
    public string Folder { get; } = Path.GetFullPath(folder);

    public string PathOf(string key) => Path.Combine(Folder, key[..2], key + ".json");

    /// <summary>The cached answer, or null when there is none or the file is unreadable or in another layout (then it is rewritten later).</summary>
    public async Task<CachedResponse?> TryReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (!File.Exists(path)) return null;
        try
        {
            return await LocusJson.ReadFileAsync<CachedResponse>(path, CachedResponse.FileFormat, cancellationToken: cancellationToken);
        }
        catch (DataFormatException e)
        {
            logger.LogWarning("Ignoring unreadable cache file {Path}: {Problem}", path, e.Problem);
            return null;
        }
    }

    public Task WriteAsync(string key, CachedResponse response, CancellationToken cancellationToken) =>
        LocusJson.WriteFileAsync(PathOf(key), response, CachedResponse.FileFormat, cancellationToken: cancellationToken);
}
