using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace Locus.Models.Hub;

/// <summary>
/// The HTTP side of hub downloads: builds resolve addresses, sends the token to the hub only, follows
/// redirects itself (the hub's own headers sit on the redirect response) and turns failures into
/// <see cref="LocusException"/>s that say what to do.
/// </summary>
internal sealed class HubTransport(HttpClient http, HubOptions options, ILogger logger)
{
    private const int MaxRedirects = 10;
    private readonly Uri _endpoint = new(options.Endpoint.TrimEnd('/') + "/");

    /// <summary>The hub's base address, for messages.</summary>
    public string Endpoint => options.Endpoint;

    /// <summary>The resolve address of a file at a revision: <c>{endpoint}/{repo}/resolve/{revision}/{file}</c>.</summary>
    public Uri ResolveUri(HubModelId id, string revision, string fileName)
    {
        var file = string.Join('/', fileName.Split('/').Select(Uri.EscapeDataString));
        // The revision is escaped as one segment: refs/pr/1 becomes refs%2Fpr%2F1, as the hub expects.
        return new Uri(_endpoint, $"{id.RepoId}/resolve/{Uri.EscapeDataString(revision)}/{file}");
    }

    /// <summary>
    /// HEADs the file: its metadata, or null when the hub says the file does not exist (then
    /// AbsentAtCommit is the commit it answered for, when it said).
    /// </summary>
    public async Task<(HubFileMetadata? Metadata, string? AbsentAtCommit)> GetMetadataAsync(HubModelId id, string revision, string fileName, CancellationToken cancellationToken)
    {
        var uri = ResolveUri(id, revision, fileName);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        for (var hops = 0; ; hops++)
        {
            using var response = await SendAsync(HttpMethod.Head, uri, rangeStart: 0, timeout.Token, cancellationToken);
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400 && HubFileMetadata.FromResponse(response, uri) is { } redirected)
                return (redirected, null); // LFS file: the hub's metadata, and the CDN address in Location
            if (status is >= 300 and < 400 && response.Headers.Location is { IsAbsoluteUri: false } relative && hops < MaxRedirects)
            {
                uri = new Uri(uri, relative); // a renamed repository: same hub, new path
                continue;
            }
            if (response.StatusCode == HttpStatusCode.NotFound && IsMissingFile(response))
                return (null, HubFileMetadata.Header(response.Headers, HubFileMetadata.RepoCommitHeader));
            ThrowIfFailed(response, id, revision, fileName);
            return (HubFileMetadata.FromResponse(response, uri) ?? throw NotAHub(uri, response), null);
        }
    }

    /// <summary>
    /// GETs content from <paramref name="location"/>, asking for bytes from <paramref name="rangeStart"/> on when
    /// it is positive; follows redirects. The caller reads the body and disposes the response.
    /// </summary>
    public async Task<HttpResponseMessage> GetContentAsync(HubModelId id, string fileName, Uri location, long rangeStart, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        var uri = location;
        for (var hops = 0; ; hops++)
        {
            var response = await SendAsync(HttpMethod.Get, uri, rangeStart, timeout.Token, cancellationToken);
            if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } target && hops < MaxRedirects)
            {
                response.Dispose();
                uri = new Uri(uri, target);
                continue;
            }
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable) return response;
            try
            {
                ThrowIfFailed(response, id, id.Revision, fileName);
            }
            catch
            {
                response.Dispose();
                throw;
            }
            return response;
        }
    }

    /// <summary>Wraps a network failure or a timeout while trying to <paramref name="what"/> in the no-network advice.</summary>
    public HubUnreachableException Unreachable(Exception error, string what)
    {
        var reason = error is OperationCanceledException
            ? $"no answer within {options.Timeout.TotalSeconds:0.#} s"
            : error.Message;
        return new HubUnreachableException($"Could not reach the Hugging Face hub at {options.Endpoint} to {what}: {reason}.", options.CacheDirectory, error);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, long rangeStart, CancellationToken timeoutToken, CancellationToken userToken)
    {
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("locus", typeof(HubTransport).Assembly.GetName().Version?.ToString() ?? "0"));
        // Compressed answers would change Content-Length and break size checks and resumption.
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
        // The token goes to the hub only, never to the CDN a download is redirected to.
        if (options.Token is { Length: > 0 } token && IsHub(uri))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (rangeStart > 0) request.Headers.Range = new RangeHeaderValue(rangeStart, null);
        logger.LogDebug("{Method} {Uri}{Range}", method, uri, rangeStart > 0 ? $" from byte {rangeStart}" : "");
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeoutToken);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !userToken.IsCancellationRequested)
        {
            throw Unreachable(e, $"fetch {uri.AbsolutePath}");
        }
    }

    private bool IsHub(Uri uri) => Uri.Compare(uri, _endpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    // A 404 is a missing file unless the hub says the whole repository or revision is missing.
    private static bool IsMissingFile(HttpResponseMessage response) =>
        HubFileMetadata.Header(response.Headers, HubFileMetadata.ErrorCodeHeader) is null or "EntryNotFound";

    private void ThrowIfFailed(HttpResponseMessage response, HubModelId id, string revision, string fileName)
    {
        if (response.IsSuccessStatusCode) return;
        var code = HubFileMetadata.Header(response.Headers, HubFileMetadata.ErrorCodeHeader);
        var status = (int)response.StatusCode;
        var tokenAdvice = options.Token is null
            ? "if it is private or gated, set HF_TOKEN to an access token that can read it"
            : "the token in HF_TOKEN (or the saved login) does not grant access to it";
        throw code switch
        {
            "RepoNotFound" => new LocusException($"The model '{id.RepoId}' was not found on {options.Endpoint} (HTTP {status}); check the id, and {tokenAdvice}."),
            "RevisionNotFound" => new LocusException($"The revision '{revision}' of '{id.RepoId}' was not found on {options.Endpoint}: check the branch, tag or commit."),
            "GatedRepo" => new LocusException($"The model '{id.RepoId}' is gated: accept its terms on {options.Endpoint}/{id.RepoId} and {tokenAdvice}."),
            _ when status is 401 or 403 => new LocusException($"The hub refused access to '{id.RepoId}' (HTTP {status}): {tokenAdvice}."),
            _ => new LocusException($"The hub answered HTTP {status} ({response.ReasonPhrase}) for {fileName} of {id}."),
        };
    }

    private static LocusException NotAHub(Uri uri, HttpResponseMessage response) => new(
        $"{uri} answered without the {HubFileMetadata.RepoCommitHeader} and ETag headers of a Hugging Face hub (HTTP {(int)response.StatusCode}). "
        + "Check HF_ENDPOINT; if you passed your own HttpClient, create it with AllowAutoRedirect = false (see HubModelResolver.CreateHttpClient).");
}
