using Locus.Training.FineTuning;
using Locus.Training.Inference;

namespace Locus.Serving.Models;

/// <summary>A merged or fully fine-tuned model, loaded as it is (<see cref="TrainedModel.Load"/>).</summary>
public sealed class FullModelBackend : IPredictionBackend
{
    readonly TrainedModel model;
    readonly ModelPredictor predictor;
    readonly Lock gate = new();
    readonly string name;

    /// <summary>Serves <paramref name="model"/> under <paramref name="name"/>.</summary>
    public FullModelBackend(string name, TrainedModel model, string folder, int batchSize)
    {
        this.name = name;
        this.model = model;
        predictor = model.Predictor(batchSize);
        Description = $"full model {folder}";
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public IReadOnlyCollection<string> ModelNames => [name];

    /// <inheritdoc />
    public IReadOnlyList<PredictionRecord> Predict(string model, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        if (model != name) throw new ArgumentException($"this backend serves '{name}', not '{model}'", nameof(model));
        lock (gate) return predictor.Predict(texts, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => model.Dispose();
}
