using Locus.Serving.Batching;
using Locus.Serving.Models;
using Locus.Serving.Routing;
using Locus.Serving.Telemetry;

namespace Locus.Serving.Http;

/// <summary>What a request works with: the loaded models, their batchers (one per backend) and the atlas router.</summary>
/// <param name="Catalog">The loaded models.</param>
/// <param name="Batchers">The batchers, one per backend.</param>
/// <param name="Router">The atlas router, when the server has an atlas.</param>
public sealed record ServingSnapshot(ModelCatalog Catalog, IReadOnlyDictionary<IPredictionBackend, MicroBatcher> Batchers, AtlasRouter? Router)
{
    /// <summary>The batcher that computes <paramref name="model"/>.</summary>
    public MicroBatcher BatcherOf(ServedModel model) => Batchers[model.Backend];
}

/// <summary>
/// What the endpoints share: the current <see cref="ServingSnapshot"/> (replaced whole when the models are reloaded;
/// a request reads it once), the limits and the metrics.
/// </summary>
public sealed class ServerState(ServingSnapshot snapshot, ServeOptions options, ServingMetrics metrics)
{
    ServingSnapshot current = snapshot;

    /// <summary>The models, batchers and router requests use now.</summary>
    public ServingSnapshot Current
    {
        get => Volatile.Read(ref current);
        set => Volatile.Write(ref current, value);
    }

    /// <summary>The limits.</summary>
    public ServeOptions Options { get; } = options;

    /// <summary>The instruments.</summary>
    public ServingMetrics Metrics { get; } = metrics;

    /// <summary>Checks prediction requests.</summary>
    public RequestValidator Validator { get; } = new(options);

    /// <summary>Whether the server has an atlas (<c>POST /v1/route</c> is mapped).</summary>
    public bool Routing => Current.Router is not null;

    /// <summary>False once the server has begun to stop.</summary>
    public bool Ready { get; set; }
}
