using Locus.Training.Inference;

namespace Locus.Serving.Models;

/// <summary>
/// Where predictions are computed: one loaded base model (with its adapters) or one full model. The batcher of a backend
/// calls it one batch at a time.
/// </summary>
public interface IPredictionBackend : IDisposable
{
    /// <summary>What the backend holds, for logs and metrics (e.g. the base model folder).</summary>
    string Description { get; }

    /// <summary>The names of the served models that this backend computes.</summary>
    IReadOnlyCollection<string> ModelNames { get; }

    /// <summary>One record per text from the model <paramref name="model"/>, exactly as <c>locus predict</c> with that model.</summary>
    IReadOnlyList<PredictionRecord> Predict(string model, IReadOnlyList<string> texts, CancellationToken cancellationToken);

    /// <summary>
    /// One list of records per request of a micro-batch, in order; a backend whose models can share forward passes
    /// (adapters of one base) computes them together, otherwise model by model.
    /// </summary>
    IReadOnlyList<IReadOnlyList<PredictionRecord>> PredictMany(IReadOnlyList<(string Model, IReadOnlyList<string> Texts)> requests, CancellationToken cancellationToken) =>
        requests.Select(r => Predict(r.Model, r.Texts, cancellationToken)).ToList();
}
