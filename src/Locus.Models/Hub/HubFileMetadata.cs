using System.Net.Http.Headers;

namespace Locus.Models.Hub;

/// <summary>
/// What the hub says about one file in answer to a HEAD on its resolve address: the commit the revision
/// points to, the content's etag (git sha1, or sha256 for LFS files), its size and where to download it
/// (a CDN address for LFS files).
/// </summary>
/// <param name="Commit">The commit sha (header X-Repo-Commit).</param>
/// <param name="ETag">The content hash (X-Linked-Etag, else ETag), without quotes or weak marker.</param>
/// <param name="Size">Bytes of content (X-Linked-Size, else Content-Length), when the hub said.</param>
/// <param name="Location">Where to GET the content.</param>
public sealed record HubFileMetadata(string Commit, string ETag, long? Size, Uri Location)
{
    /// <summary>Header naming the commit a revision resolved to.</summary>
    public const string RepoCommitHeader = "X-Repo-Commit";

    /// <summary>Header carrying the sha256 of an LFS file when the response itself is a redirect.</summary>
    public const string LinkedETagHeader = "X-Linked-Etag";

    /// <summary>Header carrying the size of an LFS file when the response itself is a redirect.</summary>
    public const string LinkedSizeHeader = "X-Linked-Size";

    /// <summary>Header naming the kind of error (EntryNotFound, RepoNotFound, RevisionNotFound, GatedRepo).</summary>
    public const string ErrorCodeHeader = "X-Error-Code";

    /// <summary>
    /// Reads the metadata from a HEAD response for <paramref name="requested"/>; null when the headers that make
    /// it a hub answer (a commit sha and a plain etag) are missing or malformed.
    /// </summary>
    public static HubFileMetadata? FromResponse(HttpResponseMessage response, Uri requested)
    {
        ArgumentNullException.ThrowIfNull(response);
        var commit = Header(response.Headers, RepoCommitHeader);
        var etag = Header(response.Headers, LinkedETagHeader) ?? response.Headers.ETag?.Tag ?? Header(response.Headers, "ETag");
        if (commit is null || etag is null || !HubModelId.IsCommitSha(commit)) return null;
        etag = NormalizeETag(etag);
        // The etag names the blob file, so it must be a plain name.
        if (etag.Length == 0 || !etag.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return null;
        var size = long.TryParse(Header(response.Headers, LinkedSizeHeader), out var linked) ? linked : response.Content.Headers.ContentLength;
        var location = response.Headers.Location is { } target ? new Uri(requested, target) : requested;
        return new HubFileMetadata(commit, etag, size, location);
    }

    /// <summary>Strips the weak marker and quotes: <c>W/"abc"</c> becomes <c>abc</c>.</summary>
    public static string NormalizeETag(string etag)
    {
        var tag = etag.Trim();
        if (tag.StartsWith("W/", StringComparison.Ordinal)) tag = tag[2..];
        return tag.Trim('"');
    }

    /// <summary>The first value of a header, or null.</summary>
    internal static string? Header(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
