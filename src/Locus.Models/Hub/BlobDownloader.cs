using System.Net;
using Microsoft.Extensions.Logging;

namespace Locus.Models.Hub;

/// <summary>
/// Downloads one blob into the cache: into <c>blobs/&lt;etag&gt;.incomplete</c>, resuming an earlier partial file
/// with a Range request, then checks size and content hash and renames the file to <c>blobs/&lt;etag&gt;</c>, so a
/// blob that exists is always whole and verified.
/// </summary>
internal sealed class BlobDownloader(HubTransport transport, HubOptions options, ILogger logger)
{
    private const int BufferSize = 1 << 16;
    private const long ProgressStep = 1 << 20;
    private const int SharingViolation = unchecked((int)0x80070020);

    /// <summary>Downloads the content described by <paramref name="metadata"/> to <paramref name="blobPath"/>; returns the bytes transferred.</summary>
    public async Task<long> DownloadAsync(HubModelId id, string fileName, HubFileMetadata metadata, string blobPath,
        IProgress<HubDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(blobPath)!);
        var incomplete = blobPath + HubCache.IncompleteSuffix;
        long transferred;
        await using (var file = OpenExclusively(incomplete, fileName))
        {
            if (metadata.Size is { } expected && file.Length > expected) file.SetLength(0); // stale: not this content
            transferred = await FillAsync(id, fileName, metadata, file, progress, cancellationToken);
            await file.FlushAsync(cancellationToken);
        }
        await VerifyAsync(fileName, metadata, incomplete, cancellationToken);
        File.Move(incomplete, blobPath, overwrite: true);
        return transferred;
    }

    private async Task<long> FillAsync(HubModelId id, string fileName, HubFileMetadata metadata, FileStream file,
        IProgress<HubDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var start = file.Length;
        if (metadata.Size is { } size && start == size) return 0; // an earlier run got every byte before it stopped
        if (start > 0) logger.LogInformation("Resuming {File} from byte {Start}", fileName, start);

        using var response = await transport.GetContentAsync(id, fileName, metadata.Location, start, cancellationToken);
        if (start > 0 && !ResumesAt(response, start))
        {
            // The server ignored the range (200) or refused it (416): start again from the first byte.
            file.SetLength(0);
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                response.Dispose();
                return await FillAsync(id, fileName, metadata, file, progress, cancellationToken);
            }
            start = 0;
        }

        file.Seek(start, SeekOrigin.Begin);
        var done = start;
        progress?.Report(new HubDownloadProgress(fileName, done, metadata.Size));
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[BufferSize];
        var reported = done;
        while (true)
        {
            var read = await ReadWithTimeoutAsync(body, buffer, fileName, cancellationToken);
            if (read == 0) break;
            await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            done += read;
            if (done - reported >= ProgressStep)
            {
                progress?.Report(new HubDownloadProgress(fileName, done, metadata.Size));
                reported = done;
            }
        }
        if (reported != done) progress?.Report(new HubDownloadProgress(fileName, done, metadata.Size));
        return done - start;
    }

    private static bool ResumesAt(HttpResponseMessage response, long start) =>
        response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange?.From == start;

    // A stalled transfer times out; a slow but moving one of a large file does not.
    private async Task<int> ReadWithTimeoutAsync(Stream body, byte[] buffer, string fileName, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        try
        {
            return await body.ReadAsync(buffer, timeout.Token);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw transport.Unreachable(e, $"download {fileName} (the partial file is kept; run again to resume)");
        }
    }

    private static async Task VerifyAsync(string fileName, HubFileMetadata metadata, string incomplete, CancellationToken cancellationToken)
    {
        var length = new FileInfo(incomplete).Length;
        if (metadata.Size is { } size && length != size)
        {
            // Short: the connection closed early, keep the bytes to resume. Long: not this content, discard.
            if (length > size) File.Delete(incomplete);
            throw new LocusException($"The download of {fileName} ended after {length} of {size} bytes"
                + (length < size ? "; run again to resume it." : "; the file was removed, run again."));
        }
        var actual = await ContentHash.ComputeAsync(incomplete, metadata.ETag, cancellationToken);
        if (actual is not null && actual != metadata.ETag)
        {
            File.Delete(incomplete);
            throw new LocusException($"The download of {fileName} is corrupted: its {ContentHash.AlgorithmOf(metadata.ETag)} is {actual} "
                + $"but the hub says {metadata.ETag}. The file was removed; run again to download it afresh.");
        }
    }

    private static FileStream OpenExclusively(string path, string fileName)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, BufferSize, useAsync: true);
        }
        catch (IOException e) when (e.HResult == SharingViolation)
        {
            throw new LocusException($"{fileName} is being downloaded by another process ({path} is locked); wait for it to finish.", e);
        }
    }
}
