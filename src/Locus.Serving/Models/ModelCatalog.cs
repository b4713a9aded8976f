using Locus.Specialization.Runs;
using Locus.Training.FineTuning;
using Locus.Training.Inference;
using Microsoft.Extensions.Logging;

namespace Locus.Serving.Models;

/// <summary>
/// The loaded models: adapters that share a base model are loaded onto one copy of it (<see cref="AdapterSet"/>),
/// merged and full models as they are. Loading is the expensive part; one catalog can back several servers in turn.
/// </summary>
public sealed class ModelCatalog : IDisposable
{
    readonly Dictionary<string, ServedModel> models;

    ModelCatalog(IReadOnlyList<ServedModel> models, IReadOnlyList<IPredictionBackend> backends, IReadOnlyList<string> references, string? baseModel, int batchSize)
    {
        References = references;
        BaseModel = baseModel;
        BatchSize = batchSize;
        this.models = models.ToDictionary(m => m.Name, StringComparer.Ordinal);
        Models = models;
        Backends = backends;
    }

    /// <summary>What was loaded (see <see cref="ServeOptions.Models"/>): loading them again picks up promotions and rollbacks.</summary>
    public IReadOnlyList<string> References { get; }

    /// <summary>The base model folder given for adapters, if any.</summary>
    public string? BaseModel { get; }

    /// <summary>Texts per forward pass.</summary>
    public int BatchSize { get; }

    /// <summary>Loads the same references again: <c>runs/NAME</c> resolves to the version promoted now.</summary>
    public Task<ModelCatalog> ReloadAsync(ILogger? logger = null, CancellationToken cancellationToken = default) =>
        LoadAsync(References, BaseModel, BatchSize, logger, cancellationToken);

    /// <summary>The served models in the order they were given.</summary>
    public IReadOnlyList<ServedModel> Models { get; }

    /// <summary>The backends: one per shared base (and task) and one per full model.</summary>
    public IReadOnlyList<IPredictionBackend> Backends { get; }

    /// <summary>The model served under <paramref name="name"/>, or null.</summary>
    public ServedModel? Find(string name) => models.GetValueOrDefault(name);

    /// <summary>Loads every model in <paramref name="references"/> (see <see cref="ServeOptions.Models"/>).</summary>
    /// <exception cref="LocusException">Two models would have the same name, or a model cannot be loaded.</exception>
    public static async Task<ModelCatalog> LoadAsync(IReadOnlyList<string> references, string? baseModel = null, int batchSize = 32,
        ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        if (references.Count == 0) throw new LocusException("no models to serve: give at least one --model");
        var served = new List<ServedModel>();
        var sets = new List<AdapterSet>();
        var backends = new List<IPredictionBackend>();
        try
        {
            foreach (var text in references)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var reference = ModelReference.Parse(text);
                var located = await ModelLocator.LocateAsync(reference.Path, cancellationToken);
                var run = located.RunFolder is null ? null : await RunManifestJson.ReadManifestAsync(Path.Combine(located.RunFolder, RunStore.ManifestFileName), cancellationToken);
                var name = reference.Name ?? located.DefaultName;
                if (served.Any(m => m.Name == name)) throw new LocusException($"two models are named '{name}': serve one as NAME=PATH");
                var manifest = TrainedModelManifest.Load(located.ModelFolder);

                IPredictionBackend backend;
                if (manifest.Mode == FineTuneMode.Full)
                {
                    backend = new FullModelBackend(name, TrainedModel.Load(located.ModelFolder, baseModel, logger), located.ModelFolder, batchSize);
                    backends.Add(backend);
                }
                else
                {
                    var set = sets.Find(s => s.Accepts(located.ModelFolder, baseModel));
                    if (set is null)
                    {
                        set = AdapterSet.Open(located.ModelFolder, baseModel, logger);
                        sets.Add(set);
                        backends.Add(new AdapterSetBackend(set));
                    }
                    set.Add(name, located.ModelFolder, batchSize);
                    backend = backends.OfType<AdapterSetBackend>().Single(b => b.Set == set);
                }
                served.Add(new ServedModel(name, manifest, located.ModelFolder, run is null ? null : $"{run.Name}/v{run.Version}", run?.Metrics, backend,
                    run is null ? null : RunMetrics.KeyMetric(run)));
                logger?.LogInformation("loaded {Model} ({Task}, {Mode}) from {Folder}", name, manifest.Task, manifest.Mode, located.ModelFolder);
            }
        }
        catch
        {
            foreach (var backend in backends) backend.Dispose();
            throw;
        }
        foreach (var backend in backends) logger?.LogInformation("backend: {Backend}", backend.Description);
        return new ModelCatalog(served, backends, [.. references], baseModel, batchSize);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var backend in Backends) backend.Dispose();
    }
}
