namespace Locus.Models.Hub;

/// <summary>Where the files of one model snapshot come from: the cache alone, or the hub through the cache.</summary>
internal interface ISnapshotSource
{
    /// <summary>
    /// Makes the file available in the snapshot folder and returns true, or returns false when the repository
    /// does not have it. Throws when a file the model needs cannot be had.
    /// </summary>
    Task<bool> GetAsync(string fileName, bool required, CancellationToken cancellationToken);

    /// <summary>The error for a file (or set of files) the model needs but this source does not have.</summary>
    Exception Missing(string what);
}
