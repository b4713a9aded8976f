namespace Locus.Models.Hub;

/// <summary>
/// One model repository's folder in the Hugging Face cache, laid out as huggingface_hub lays it out so the
/// Python tools share it:
/// <code>
/// models--org--name/
///   blobs/&lt;etag&gt;                       file contents, named by git sha1 or (LFS) sha256
///   snapshots/&lt;commit&gt;/&lt;file&gt;         symlink to ../../blobs/&lt;etag&gt;
///   refs/&lt;revision&gt;                   the commit sha a branch or tag pointed to
///   .no_exist/&lt;commit&gt;/&lt;file&gt;         empty marker: the file does not exist at that commit
/// </code>
/// </summary>
public sealed class HubCache
{
    /// <summary>Suffix of a blob being downloaded; the file is renamed to the blob name once verified.</summary>
    public const string IncompleteSuffix = ".incomplete";

    /// <summary>Points at the folder of <paramref name="id"/>'s repository inside <paramref name="cacheDirectory"/>.</summary>
    public HubCache(string cacheDirectory, HubModelId id)
    {
        ArgumentNullException.ThrowIfNull(id);
        RepoFolder = Path.Combine(Path.GetFullPath(cacheDirectory), id.CacheFolderName);
    }

    /// <summary>The <c>models--org--name</c> folder.</summary>
    public string RepoFolder { get; }

    /// <summary>Where the content with this etag is stored.</summary>
    public string BlobPath(string etag) => Path.Combine(RepoFolder, "blobs", etag);

    /// <summary>The folder presenting the files of one commit, the folder handed to model loaders.</summary>
    public string SnapshotFolder(string commit) => Path.Combine(RepoFolder, "snapshots", commit);

    /// <summary>A repository file as seen in a commit's snapshot (a symlink to its blob).</summary>
    public string SnapshotPath(string commit, string fileName) => Path.Combine(SnapshotFolder(commit), ToLocalPath(fileName));

    /// <summary>The commit a branch or tag pointed to when last resolved, or null when never resolved.</summary>
    public string? ReadRef(string revision)
    {
        var path = RefPath(revision);
        if (!File.Exists(path)) return null;
        var commit = File.ReadAllText(path).Trim();
        return HubModelId.IsCommitSha(commit) ? commit : null;
    }

    /// <summary>Records the commit a branch or tag points to (atomically; nothing is written for a commit sha).</summary>
    public void WriteRef(string revision, string commit)
    {
        if (revision == commit || ReadRef(revision) == commit) return;
        WriteAtomically(RefPath(revision), commit);
    }

    /// <summary>True when an earlier request learnt that the file does not exist at this commit.</summary>
    public bool IsMarkedAbsent(string commit, string fileName) => File.Exists(NoExistPath(commit, fileName));

    /// <summary>Remembers that the file does not exist at this commit, so later runs do not ask again.</summary>
    public void MarkAbsent(string commit, string fileName)
    {
        var path = NoExistPath(commit, fileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, []);
    }

    /// <summary>
    /// Makes the snapshot entry point at its blob with a relative symlink (so the cache can be moved), replacing
    /// any older entry atomically. Where the file system has no symlinks the blob is copied instead, as
    /// huggingface_hub does.
    /// </summary>
    public string LinkIntoSnapshot(string commit, string fileName, string etag)
    {
        var pointer = SnapshotPath(commit, fileName);
        var folder = Path.GetDirectoryName(pointer)!;
        Directory.CreateDirectory(folder);
        var blob = BlobPath(etag);
        var temporary = TemporaryNameFor(pointer);
        try
        {
            File.CreateSymbolicLink(temporary, Path.GetRelativePath(folder, blob));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            File.Copy(blob, temporary, overwrite: true);
        }
        File.Move(temporary, pointer, overwrite: true);
        return pointer;
    }

    /// <summary>Writes text to a temporary file beside <paramref name="path"/> and renames it into place.</summary>
    public static void WriteAtomically(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = TemporaryNameFor(path);
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    private string RefPath(string revision) => Path.Combine(RepoFolder, "refs", ToLocalPath(revision));

    private string NoExistPath(string commit, string fileName) => Path.Combine(RepoFolder, ".no_exist", commit, ToLocalPath(fileName));

    private static string TemporaryNameFor(string path) => $"{path}.{Guid.NewGuid():N}.tmp";

    // Repository paths and revisions (refs/pr/1) use '/', whatever the local separator.
    private static string ToLocalPath(string repoPath) => Path.Combine(repoPath.Split('/'));
}
