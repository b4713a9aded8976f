using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace Locus.Synthesis;

/// <summary>An answer as stored in the cache.</summary>
/// <param name="Text">The assistant message's text.</param>
/// <param name="PromptTokens">Prompt tokens the server reported.</param>
/// <param name="CompletionTokens">Completion tokens the server reported.</param>
/// <param name="Model">The model that answered, as the server named it.</param>
internal sealed record CachedResponse(string Text, long? PromptTokens, long? CompletionTokens, string? Model);

/// <summary>
/// A disk cache of answers, one JSON file per request (<c>{folder}/{key[0..2]}/{key}.json</c>) written atomically,
/// so that a rerun makes no calls and an interrupted run resumes with the missing ones. Files hold the answer and
/// its usage only: no endpoint, no key.
/// </summary>
internal sealed class ResponseCache(string folder, ILogger logger)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    public string Folder { get; } = Path.GetFullPath(folder);

    public string PathOf(string key) => Path.Combine(Folder, key[..2], key + ".json");

    /// <summary>The cached answer, or null when there is none or the file is unreadable (then it is rewritten later).</summary>
    public async Task<CachedResponse?> TryReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (!File.Exists(path)) return null;
        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<CachedResponse>(stream, Json, cancellationToken);
        }
        catch (JsonException e)
        {
            logger.LogWarning("Ignoring unreadable cache file {Path}: {Problem}", path, e.Message);
            return null;
        }
    }

    public Task WriteAsync(string key, CachedResponse response, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(PathOf(key), (stream, token) => JsonSerializer.SerializeAsync(stream, response, Json, token), cancellationToken);
}
