using Microsoft.Extensions.Logging;

namespace Locus.Models.Hub;

/// <summary>
/// A snapshot fetched from the hub through the cache: a file already in the snapshot (or known to be absent) is
/// not requested; otherwise a HEAD gives its commit and etag, the blob is downloaded unless the cache already
/// holds that content, and the snapshot entry is linked to it. The first answer pins the commit, and every later
/// file is requested at that commit so the snapshot is consistent even if the branch moves meanwhile.
/// </summary>
internal sealed class HubSnapshotSource(HubModelId id, HubCache cache, HubTransport transport, BlobDownloader downloader,
    IProgress<HubDownloadProgress>? progress, ILogger logger) : ISnapshotSource
{
    /// <summary>The commit the revision resolved to, once the hub has answered.</summary>
    public string? Commit { get; private set; }

    /// <summary>Bytes transferred by this run.</summary>
    public long BytesDownloaded { get; private set; }

    /// <inheritdoc />
    public async Task<bool> GetAsync(string fileName, bool required, CancellationToken cancellationToken)
    {
        if (Commit is not null)
        {
            if (File.Exists(cache.SnapshotPath(Commit, fileName))) return true;
            if (cache.IsMarkedAbsent(Commit, fileName)) return required ? throw Missing(fileName) : false;
        }

        var (metadata, absentAt) = await transport.GetMetadataAsync(id, Commit ?? id.Revision, fileName, cancellationToken);
        if (metadata is null)
        {
            if ((absentAt ?? Commit) is { } commit && HubModelId.IsCommitSha(commit))
            {
                PinCommit(commit);
                cache.MarkAbsent(commit, fileName);
            }
            logger.LogDebug("{File} does not exist in {Model}", fileName, id);
            return required ? throw Missing(fileName) : false;
        }

        PinCommit(metadata.Commit);
        var blob = cache.BlobPath(metadata.ETag);
        if (!File.Exists(blob))
        {
            logger.LogInformation("Downloading {File} of {Model} ({Size} bytes)", fileName, id, metadata.Size);
            BytesDownloaded += await downloader.DownloadAsync(id, fileName, metadata, blob, progress, cancellationToken);
        }
        cache.LinkIntoSnapshot(Commit!, fileName, metadata.ETag);
        return true;
    }

    /// <inheritdoc />
    public Exception Missing(string what) =>
        new LocusException($"The model {id} on {transport.Endpoint} has no {what} (commit {Commit ?? "unknown"}).");

    private void PinCommit(string commit)
    {
        if (Commit is not null) return;
        Commit = commit;
        cache.WriteRef(id.Revision, commit);
    }
}
