using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Locus.Serving.Telemetry;

/// <summary>
/// The server's instruments (meter <see cref="MeterName"/>): requests by model and status, request latency, texts
/// predicted and micro-batch sizes per model. Exported in the Prometheus text format at <c>/metrics</c>.
/// </summary>
public sealed class ServingMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Locus.Serving";

    readonly Counter<long> requests;
    readonly Histogram<double> duration;
    readonly Counter<long> texts;
    readonly Histogram<int> batchSize;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    public ServingMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        requests = meter.CreateCounter<long>("locus.serving.requests", "{request}", "Prediction requests by model and HTTP status.");
        duration = meter.CreateHistogram<double>("locus.serving.request.duration", "s", "Prediction request latency.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        texts = meter.CreateCounter<long>("locus.serving.texts", "{text}", "Texts predicted, by model.");
        batchSize = meter.CreateHistogram<int>("locus.serving.batch.size", "{text}", "Texts per micro-batch forward pass, by model.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
    }

    /// <summary>Records one finished prediction request.</summary>
    public void Request(string model, int status, TimeSpan elapsed)
    {
        var tags = new TagList { { "model", model }, { "status", status } };
        requests.Add(1, tags);
        duration.Record(elapsed.TotalSeconds, new TagList { { "model", model } });
    }

    /// <summary>Records one micro-batch of <paramref name="count"/> texts for <paramref name="model"/>.</summary>
    public void Batch(string model, int count)
    {
        var tags = new TagList { { "model", model } };
        batchSize.Record(count, tags);
        texts.Add(count, tags);
    }
}
