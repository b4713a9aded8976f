using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Locus.Models.Hub;

/// <summary>
/// Turns a <c>--model</c> value into a local folder holding a model in Hugging Face layout: a folder path is
/// checked and used as it is; a hub id (<c>org/name</c> or <c>org/name@revision</c>) is served from the
/// Hugging Face cache, downloading what is missing (config.json, the safetensors weights or every shard of a
/// sharded set, and the tokenizer files the repository has).
/// </summary>
public sealed class HubModelResolver
{
    private readonly HubOptions _options;
    private readonly ILogger _logger;
    private readonly HubTransport _transport;
    private readonly BlobDownloader _downloader;

    /// <summary>
    /// Creates a resolver. <paramref name="httpClient"/> must not follow redirects by itself (the hub's headers
    /// sit on its redirect responses): use <see cref="CreateHttpClient"/> or a handler with AllowAutoRedirect = false.
    /// </summary>
    public HubModelResolver(HttpClient httpClient, HubOptions options, ILogger<HubModelResolver>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger ?? NullLogger<HubModelResolver>.Instance;
        _transport = new HubTransport(httpClient, options, _logger);
        _downloader = new BlobDownloader(_transport, options, _logger);
    }

    /// <summary>
    /// An HttpClient suited to the hub: redirects left to the resolver, no overall time limit (the resolver
    /// times out stalled requests itself, so a large download is not cut off), connections reused.
    /// </summary>
    public static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    /// <summary>
    /// Resolves a local folder path, a <c>builtin:</c> model (materialised from its package) or a hub id to a model folder. A folder that exists wins over a hub id
    /// spelt the same, as in transformers.
    /// </summary>
    public Task<ResolvedModel> ResolveAsync(string model, IProgress<HubDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (Builtin.BuiltinModels.IsBuiltinReference(model))
        {
            var builtin = Builtin.BuiltinModels.Materialise(Builtin.BuiltinModels.Find(model), logger: _logger);
            return Task.FromResult(new ResolvedModel(builtin, ModelFiles.DescribeFolder(builtin), ModelSource.Builtin, null, null, 0));
        }
        if (Directory.Exists(model))
        {
            var folder = Path.GetFullPath(model);
            return Task.FromResult(new ResolvedModel(folder, ModelFiles.DescribeFolder(folder), ModelSource.LocalFolder, null, null, 0));
        }
        if (LooksLikePath(model) || !HubModelId.TryParse(model, out var id))
            throw new LocusException($"The model folder '{model}' does not exist, and it is not a Hugging Face model id (org/name or org/name@revision).");
        return DownloadAsync(id, progress, cancellationToken);
    }

    /// <summary>
    /// Returns the cache snapshot of a hub model, downloading what the cache lacks. With a complete snapshot
    /// for the revision in the cache no request is made (unless <see cref="HubOptions.RefreshRevision"/>);
    /// in offline mode none is ever made.
    /// </summary>
    public async Task<ResolvedModel> DownloadAsync(HubModelId id, IProgress<HubDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var cache = new HubCache(_options.CacheDirectory, id);
        var cachedCommit = id.IsCommit ? id.Revision : cache.ReadRef(id.Revision);

        if (_options.Offline)
        {
            if (cachedCommit is null)
                throw new HubUnreachableException($"HF_HUB_OFFLINE is set and the cache holds no snapshot of {id} (no {Path.Combine(cache.RepoFolder, "refs", id.Revision)}).", _options.CacheDirectory);
            return await FromCacheAsync(cache, id, cachedCommit, offline: true, cancellationToken);
        }

        if (cachedCommit is not null && (id.IsCommit || !_options.RefreshRevision))
        {
            var cached = await TryCompleteFromCacheAsync(cache, id, cachedCommit, cancellationToken);
            if (cached is not null) return cached;
        }

        try
        {
            return await FromHubAsync(cache, id, progress, cancellationToken);
        }
        catch (HubUnreachableException e) when (cachedCommit is not null)
        {
            // Asked to refresh but the hub is out of reach: the snapshot cached earlier still serves, if whole.
            var cached = await TryCompleteFromCacheAsync(cache, id, cachedCommit, cancellationToken);
            if (cached is null) throw;
            _logger.LogWarning("Using the cached snapshot {Commit} of {Model}: {Problem}", cachedCommit, id, e.Message);
            return cached;
        }
    }

    private async Task<ResolvedModel> FromHubAsync(HubCache cache, HubModelId id, IProgress<HubDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var source = new HubSnapshotSource(id, cache, _transport, _downloader, progress, _logger);
        var files = await SnapshotPlan.FetchAsync(source, () => cache.SnapshotFolder(source.Commit!), cancellationToken);
        _logger.LogInformation("{Model} is at commit {Commit}; {Bytes} bytes downloaded", id, source.Commit, source.BytesDownloaded);
        return new ResolvedModel(cache.SnapshotFolder(source.Commit!), files, ModelSource.Hub, id, source.Commit, source.BytesDownloaded);
    }

    private async Task<ResolvedModel?> TryCompleteFromCacheAsync(HubCache cache, HubModelId id, string commit, CancellationToken cancellationToken)
    {
        try
        {
            return await FromCacheAsync(cache, id, commit, offline: false, cancellationToken);
        }
        catch (SnapshotIncompleteException e)
        {
            _logger.LogDebug("The cached snapshot {Commit} of {Model} is incomplete: {Reason}", commit, id, e.Message);
            return null;
        }
    }

    private async Task<ResolvedModel> FromCacheAsync(HubCache cache, HubModelId id, string commit, bool offline, CancellationToken cancellationToken)
    {
        var source = new CachedSnapshotSource(cache, id, commit, offline, _options.CacheDirectory);
        var files = await SnapshotPlan.FetchAsync(source, () => cache.SnapshotFolder(commit), cancellationToken);
        return new ResolvedModel(cache.SnapshotFolder(commit), files, ModelSource.Cache, id, commit, 0);
    }

    // "./model", "/data/model", "~/model" and Windows paths are never hub ids, even when the folder is missing.
    private static bool LooksLikePath(string model) =>
        Path.IsPathRooted(model) || model.StartsWith('.') || model.StartsWith('~') || model.Contains('\\');
}
