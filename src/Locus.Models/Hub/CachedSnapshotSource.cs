namespace Locus.Models.Hub;

/// <summary>
/// A snapshot read from the cache alone. In offline mode a file the cache never saw counts as absent when it is
/// optional; otherwise (checking whether the cache can answer without the hub) it stops the plan with
/// <see cref="SnapshotIncompleteException"/>.
/// </summary>
internal sealed class CachedSnapshotSource(HubCache cache, HubModelId id, string commit, bool offline, string cacheDirectory) : ISnapshotSource
{
    /// <inheritdoc />
    public Task<bool> GetAsync(string fileName, bool required, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (File.Exists(cache.SnapshotPath(commit, fileName))) return Task.FromResult(true);
        var knownAbsent = cache.IsMarkedAbsent(commit, fileName);
        if (!offline && !knownAbsent) throw new SnapshotIncompleteException(fileName);
        if (required) throw Missing(fileName);
        return Task.FromResult(false);
    }

    /// <inheritdoc />
    public Exception Missing(string what) => offline
        ? new HubUnreachableException($"HF_HUB_OFFLINE is set and the cached snapshot {commit} of {id} has no {what}.", cacheDirectory)
        : new SnapshotIncompleteException(what);
}

/// <summary>The cache alone cannot make the snapshot: the hub must be asked.</summary>
internal sealed class SnapshotIncompleteException(string fileName) : Exception($"the cache has not settled {fileName}");
