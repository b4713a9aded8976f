using System.CommandLine;
using Locus.Specialization.Runs;

namespace Locus.Cli.Commands;

/// <summary>
/// The <c>--out STORE/NAME</c> of <c>locus specialize</c>: the run NAME in the run store STORE. Checked while parsing,
/// so a path that would put the run outside the store the user named, or a store inside another run (which
/// <c>locus runs</c> would never list), is a usage error before anything is written.
/// </summary>
internal static class RunOutPath
{
    /// <summary>Adds the checks to <paramref name="option"/>.</summary>
    public static Option<string> AsRunPath(this Option<string> option)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0) return;
            if (Problem(result.GetValueOrDefault<string>()) is { } problem) result.AddError($"{option.Name} {problem}");
        });
        return option;
    }

    /// <summary>What is wrong with <paramref name="path"/> as STORE/NAME (the message starts with the path), or null.</summary>
    public static string? Problem(string path)
    {
        var segments = path.Split(['/', Path.DirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToList();
        if (segments.Count == 0 || segments[^1] == "..")
            return $"{path}: give the run as STORE/NAME (e.g. runs/my-ner), ending with the run's name";
        // Leading '..' only moves to where the store is; a '..' after a named folder leaves the folder just named.
        var firstNamed = segments.FindIndex(s => s != "..");
        if (segments.Skip(firstNamed).Contains(".."))
            return $"{path}: '..' after a folder name leads out of that folder; give the run as STORE/NAME without '..' (e.g. runs/my-ner)";
        if (RunNames.Problem(segments[^1]) is { } nameProblem) return $"{path}: {nameProblem}";

        var store = Path.GetDirectoryName(Path.GetFullPath(path.TrimEnd('/', Path.DirectorySeparatorChar)))!;
        for (var folder = store; folder is not null; folder = Path.GetDirectoryName(folder))
            if (IsRunFolder(folder))
                return $"{path}: {folder} is a run's folder, so the store {store} would nest inside it and 'locus runs' would not see this run; give STORE/NAME with a store of its own";
        var storeSegments = segments[..^1];
        if (storeSegments.Count > 1 && storeSegments[..^1].IndexOf("runs") is var outer and >= 0)
        {
            var outerStore = string.Join('/', segments.Take(outer + 1));
            return $"{path}: the run would go to the store {string.Join('/', storeSegments)}, nested inside the store {outerStore} where 'locus runs --root {outerStore}' would not see it; use {outerStore}/NAME";
        }
        return null;
    }

    /// <summary>Splits a checked path into the store folder (full path) and the run name.</summary>
    public static (string Root, string Name) Split(string path)
    {
        var full = Path.GetFullPath(path.TrimEnd('/', Path.DirectorySeparatorChar));
        return (Path.GetDirectoryName(full)!, Path.GetFileName(full));
    }

    // A version folder (holds run.json) or a run's name folder (holds vN/run.json).
    private static bool IsRunFolder(string folder)
    {
        if (File.Exists(Path.Combine(folder, RunStore.ManifestFileName))) return true;
        if (!Directory.Exists(folder)) return false;
        return Directory.EnumerateDirectories(folder)
            .Any(d => RunNames.ParseVersionFolder(Path.GetFileName(d)) is not null && File.Exists(Path.Combine(d, RunStore.ManifestFileName)));
    }
}
