using System.Text.RegularExpressions;

namespace Locus.Specialization.Runs;

/// <summary>
/// Rules for run names and version folders: a name is letters, digits, <c>.</c>, <c>_</c> and <c>-</c> (not starting
/// with <c>.</c> or <c>-</c>, so it is one safe path segment), and version <c>N</c> lives in the folder <c>vN</c>.
/// </summary>
public static partial class RunNames
{
    /// <summary>What is wrong with <paramref name="name"/> as a run name, or null when it is fine.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "a run name cannot be empty";
        if (!NamePattern().IsMatch(name))
            return $"'{name}' is not a run name: use letters, digits, '.', '_' and '-', starting with a letter or digit";
        if (VersionFolderPattern().IsMatch(name)) return $"'{name}' looks like a version folder; pick another run name";
        return null;
    }

    /// <summary>Throws when <paramref name="name"/> is not a valid run name.</summary>
    /// <exception cref="LocusException">The name breaks the rules above.</exception>
    public static void Check(string name)
    {
        if (Problem(name) is { } problem) throw new LocusException(problem);
    }

    /// <summary>The folder name of a version: <c>v3</c>.</summary>
    public static string VersionFolder(int version) => $"v{version}";

    /// <summary>The version a folder name stands for (<c>v3</c> → 3), or null when it is not a version folder.</summary>
    public static int? ParseVersionFolder(string folderName)
    {
        var match = VersionFolderPattern().Match(folderName);
        return match.Success && int.TryParse(match.Groups[1].ValueSpan, out var version) && version > 0 ? version : null;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^v([0-9]{1,9})$")]
    private static partial Regex VersionFolderPattern();
}
