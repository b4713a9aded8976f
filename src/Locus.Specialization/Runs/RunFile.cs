namespace Locus.Specialization.Runs;

/// <summary>
/// A file or folder a run read or wrote, with the SHA-256 of its content (see <see cref="ContentHash"/>), so a
/// later run can tell whether it is still the same.
/// </summary>
public sealed record RunFile
{
    /// <summary>
    /// Where it is: relative to the run folder (with <c>/</c>) when it lies inside it, so run folders can be
    /// moved; otherwise the full path.
    /// </summary>
    public required string Path { get; init; }

    /// <summary>Lower-case hex SHA-256 of the file, or the folder hash of <see cref="ContentHash.OfFolderAsync"/>.</summary>
    public required string Sha256 { get; init; }

    /// <summary>Size in bytes (for a folder, the sum over its files).</summary>
    public required long Bytes { get; init; }

    /// <summary>Number of files for a folder; null for a single file.</summary>
    public int? Files { get; init; }
}
