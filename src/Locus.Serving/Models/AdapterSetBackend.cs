using Locus.Training.Inference;

namespace Locus.Serving.Models;

/// <summary>LoRA adapters on one shared base model (<see cref="AdapterSet"/>): the adapter is switched per batch.</summary>
public sealed class AdapterSetBackend(AdapterSet set) : IPredictionBackend
{
    /// <summary>The shared base and its adapters.</summary>
    public AdapterSet Set { get; } = set;

    /// <inheritdoc />
    public string Description => $"base {Set.BaseFolder} ({Set.Task}) with {Set.Names.Count} adapter(s)";

    /// <inheritdoc />
    public IReadOnlyCollection<string> ModelNames => Set.Names;

    /// <inheritdoc />
    public IReadOnlyList<PredictionRecord> Predict(string model, IReadOnlyList<string> texts, CancellationToken cancellationToken) =>
        Set.Predict(model, texts, cancellationToken);

    /// <inheritdoc />
    public IReadOnlyList<IReadOnlyList<PredictionRecord>> PredictMany(IReadOnlyList<(string Model, IReadOnlyList<string> Texts)> requests, CancellationToken cancellationToken) =>
        Set.PredictMany(requests, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => Set.Dispose();
}
