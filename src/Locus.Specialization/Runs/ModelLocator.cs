using Locus.Training.FineTuning;

namespace Locus.Specialization.Runs;

/// <summary>A model folder and, when it came from a run, the run version folder (with its <c>run.json</c>).</summary>
/// <param name="ModelFolder">The folder with <c>locus_model.json</c>.</param>
/// <param name="RunFolder">The run version folder, or null for a plain model folder.</param>
public sealed record LocatedModel(string ModelFolder, string? RunFolder)
{
    /// <summary>The name to call the model by: its run's name (<c>ROOT/NAME/vN</c>), else its folder's name.</summary>
    public string DefaultName => Path.GetFileName(Path.GetDirectoryName(Trimmed(RunFolder ?? "")) ?? "") is { Length: > 0 } run && RunFolder is not null
        ? run
        : Path.GetFileName(Trimmed(ModelFolder));

    static string Trimmed(string path) => Path.GetFullPath(path.Length == 0 ? "." : path).TrimEnd(Path.DirectorySeparatorChar);
}

/// <summary>
/// Finds the model folder a user means: a model folder itself, a run version folder (its <c>model</c>), or a run's
/// name folder (the promoted version's model, else the latest completed version's), so that <c>locus eval --model runs/NAME</c>
/// scores what <c>locus specialize --out runs/NAME</c> produced, and <c>locus serve</c> serves it.
/// </summary>
public static class ModelLocator
{
    /// <summary>The model folder for <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">Nothing there is a model or a run (a usage error).</exception>
    /// <exception cref="LocusException">The run has no model yet.</exception>
    public static async Task<string> ResolveAsync(string path, CancellationToken cancellationToken) =>
        (await LocateAsync(path, cancellationToken)).ModelFolder;

    /// <summary>The model folder for <paramref name="path"/> and the run version it belongs to, if any.</summary>
    /// <exception cref="FileNotFoundException">Nothing there is a model or a run (a usage error).</exception>
    /// <exception cref="LocusException">The run has no model yet.</exception>
    public static async Task<LocatedModel> LocateAsync(string path, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(path, TrainedModelManifest.FileName)))
        {
            var parent = Path.GetDirectoryName(Path.GetFullPath(path.TrimEnd('/', Path.DirectorySeparatorChar)));
            var ownRun = parent is not null && File.Exists(Path.Combine(parent, RunStore.ManifestFileName)) ? parent : null;
            return new LocatedModel(path, ownRun);
        }
        var run = File.Exists(Path.Combine(path, RunStore.ManifestFileName)) ? path : await NamedRunAsync(path, cancellationToken);
        var model = run is null ? null : Path.Combine(run, "model");
        if (model is not null && File.Exists(Path.Combine(model, TrainedModelManifest.FileName))) return new LocatedModel(model, run);
        if (run is null) throw new FileNotFoundException($"'{path}' is neither a model folder (no {TrainedModelManifest.FileName}) nor a run folder", path);
        throw new LocusException($"run '{run}' has no trained model yet (did it finish? see 'locus runs show')");
    }

    // The promoted version when there is one, else the latest completed version: an unfinished latest version
    // (running, interrupted, failed) may hold a half-trained model or none.
    private static async Task<string?> NamedRunAsync(string path, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path.TrimEnd('/', Path.DirectorySeparatorChar));
        if (!Directory.Exists(full) || Path.GetDirectoryName(full) is not { } root) return null;
        var store = new RunStore(root);
        var name = Path.GetFileName(full);
        if (RunNames.Problem(name) is not null || store.ListVersions(name).Count == 0) return null;
        if ((await store.ReadPromotionAsync(name, cancellationToken)).Promoted is not null)
            return (await store.ResolveAsync($"{name}/promoted", cancellationToken)).Folder;
        var versions = await store.ListAsync(name, cancellationToken);
        if (versions.LastOrDefault(v => v.Manifest?.Status == RunStatus.Completed) is { } completed) return completed.Run.Folder;
        var latest = versions[^1];
        var status = latest.Manifest?.Status.ToString().ToLowerInvariant() ?? "corrupt";
        throw new LocusException($"run '{name}' has no completed version yet (latest: {latest.Run} is {status}); finish it by rerunning 'locus specialize', or name a version: {path}/vN");
    }
}
