namespace Locus.Specialization.Runs;

/// <summary>Hashes paths for a run and maps recorded paths back to disk (relative ones are inside the run folder).</summary>
internal static class RunFiles
{
    /// <summary>Hashes <paramref name="path"/> and records it relative to <paramref name="runFolder"/> when inside it.</summary>
    public static async Task<RunFile> HashAsync(string path, string runFolder, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path, runFolder);
        var hashed = await ContentHash.OfPathAsync(full, cancellationToken);
        return hashed with { Path = Record(full, runFolder) };
    }

    /// <summary>Hashes each path in order.</summary>
    public static async Task<List<RunFile>> HashAllAsync(IEnumerable<string> paths, string runFolder, CancellationToken cancellationToken)
    {
        var files = new List<RunFile>();
        foreach (var path in paths) files.Add(await HashAsync(path, runFolder, cancellationToken));
        return files;
    }

    /// <summary>The full path of a recorded file.</summary>
    public static string Locate(RunFile file, string runFolder) => Path.GetFullPath(file.Path, runFolder);

    /// <summary>Hashes a recorded file again; null when it no longer exists.</summary>
    public static async Task<RunFile?> RehashAsync(RunFile file, string runFolder, CancellationToken cancellationToken)
    {
        var full = Locate(file, runFolder);
        if (!File.Exists(full) && !Directory.Exists(full)) return null;
        return await ContentHash.OfPathAsync(full, cancellationToken);
    }

    private static string Record(string full, string runFolder)
    {
        var relative = Path.GetRelativePath(runFolder, full);
        var inside = relative != ".." && !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) && !Path.IsPathRooted(relative);
        return inside ? relative.Replace(Path.DirectorySeparatorChar, '/') : full;
    }
}
