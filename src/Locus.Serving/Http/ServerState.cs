using Locus.Serving.Batching;
using Locus.Serving.Models;
using Locus.Serving.Telemetry;

namespace Locus.Serving.Http;

/// <summary>What the endpoints share: the models, their batchers, the limits and the metrics.</summary>
public sealed class ServerState(ModelCatalog catalog, IReadOnlyDictionary<IPredictionBackend, MicroBatcher> batchers, ServeOptions options, ServingMetrics metrics)
{
    /// <summary>The loaded models.</summary>
    public ModelCatalog Catalog { get; } = catalog;

    /// <summary>The limits.</summary>
    public ServeOptions Options { get; } = options;

    /// <summary>The instruments.</summary>
    public ServingMetrics Metrics { get; } = metrics;

    /// <summary>Checks prediction requests.</summary>
    public RequestValidator Validator { get; } = new(options);

    /// <summary>The batchers, one per backend.</summary>
    public IReadOnlyDictionary<IPredictionBackend, MicroBatcher> Batchers { get; } = batchers;

    /// <summary>The batcher that computes <paramref name="model"/>.</summary>
    public MicroBatcher BatcherOf(ServedModel model) => Batchers[model.Backend];

    /// <summary>The atlas router, when the server has an atlas.</summary>
    public Locus.Serving.Routing.AtlasRouter? Router { get; init; }

    /// <summary>False once the server has begun to stop.</summary>
    public bool Ready { get; set; }
}
