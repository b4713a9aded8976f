using Locus.Specialization.Runs;
using Locus.Training.FineTuning;

namespace Locus.Cli.Commands.Training;

/// <summary>
/// Finds the model folder a user means: a model folder itself, a run version folder (its <c>model</c>), or a run's
/// name folder (the promoted version's model, else the latest completed version's), so that <c>locus eval --model runs/NAME</c>
/// scores what <c>locus specialize --out runs/NAME</c> produced.
/// </summary>
internal static class ModelLocator
{
    /// <summary>The model folder for <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">Nothing there is a model or a run (a usage error).</exception>
    /// <exception cref="LocusException">The run has no model yet.</exception>
    public static async Task<string> ResolveAsync(string path, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(path, TrainedModelManifest.FileName))) return path;
        var run = File.Exists(Path.Combine(path, RunStore.ManifestFileName)) ? path : await NamedRunAsync(path, cancellationToken);
        var model = run is null ? null : Path.Combine(run, "model");
        if (model is not null && File.Exists(Path.Combine(model, TrainedModelManifest.FileName))) return model;
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
