using Locus.Specialization.Runs;
using Locus.Training.FineTuning;

namespace Locus.Cli.Commands.Training;

/// <summary>
/// Finds the model folder a user means: a model folder itself, a run version folder (its <c>model</c>), or a run's
/// name folder (the promoted version's model, else the latest version's), so that <c>locus eval --model runs/NAME</c>
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

    private static async Task<string?> NamedRunAsync(string path, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path.TrimEnd('/', Path.DirectorySeparatorChar));
        if (!Directory.Exists(full) || Path.GetDirectoryName(full) is not { } root) return null;
        var store = new RunStore(root);
        var name = Path.GetFileName(full);
        if (RunNames.Problem(name) is not null || store.ListVersions(name).Count == 0) return null;
        var promoted = (await store.ReadPromotionAsync(name, cancellationToken)).Promoted is not null;
        return (await store.ResolveAsync($"{name}/{(promoted ? "promoted" : "latest")}", cancellationToken)).Folder;
    }
}
