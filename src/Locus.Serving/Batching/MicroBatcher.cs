using System.Threading.Channels;
using Locus.Serving.Models;
using Locus.Serving.Telemetry;
using Locus.Training.Inference;
using Microsoft.Extensions.Logging;

namespace Locus.Serving.Batching;

/// <summary>
/// Dynamic micro-batching for one backend (one shared base model): concurrent requests queue on a channel; a single
/// worker takes the first, waits up to <see cref="BatchingOptions.MaxWait"/> for others until
/// <see cref="BatchingOptions.MaxBatch"/> texts are collected, then hands the batch, grouped by model, to the backend
/// (adapters of one NER base share each forward pass, see <see cref="Locus.Training.Inference.AdapterSet.PredictMany"/>;
/// otherwise one prediction per model), whose windows are sorted by length into buckets of at most MaxBatch, and hands
/// each request its slice of the results. Requests cancelled while queued are dropped before the forward pass.
/// </summary>
public sealed class MicroBatcher : IAsyncDisposable
{
    sealed record Work(string Model, IReadOnlyList<string> Texts, TaskCompletionSource<IReadOnlyList<PredictionRecord>> Done, CancellationToken Cancellation);

    readonly IPredictionBackend backend;
    readonly BatchingOptions options;
    readonly ServingMetrics? metrics;
    readonly ILogger? logger;
    readonly Channel<Work> queue = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    readonly Task worker;
    long batches, batchedTexts;

    /// <summary>Starts the worker for <paramref name="backend"/>.</summary>
    public MicroBatcher(IPredictionBackend backend, BatchingOptions options, ServingMetrics? metrics = null, ILogger? logger = null)
    {
        this.backend = backend;
        this.options = options;
        this.metrics = metrics;
        this.logger = logger;
        worker = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Micro-batches run so far (one backend call each).</summary>
    public long Batches => Interlocked.Read(ref batches);

    /// <summary>Texts predicted so far.</summary>
    public long Texts => Interlocked.Read(ref batchedTexts);

    /// <summary>Queues <paramref name="texts"/> for <paramref name="model"/>; completes with one record per text.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    public async Task<IReadOnlyList<PredictionRecord>> PredictAsync(string model, IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        if (texts.Count == 0) return [];
        var done = new TaskCompletionSource<IReadOnlyList<PredictionRecord>>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = cancellationToken.Register(() => done.TrySetCanceled(cancellationToken));
        if (!queue.Writer.TryWrite(new Work(model, texts, done, cancellationToken)))
            throw new BatcherClosedException();
        return await done.Task.ConfigureAwait(false);
    }

    async Task RunAsync()
    {
        var reader = queue.Reader;
        var batch = new List<Work>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            var count = 0;
            var deadline = DateTime.UtcNow + options.MaxWait;
            while (count < options.MaxBatch)
            {
                if (reader.TryRead(out var work))
                {
                    batch.Add(work);
                    count += work.Texts.Count;
                    continue;
                }
                var left = deadline - DateTime.UtcNow;
                if (batch.Count > 0 && left <= TimeSpan.Zero) break;
                if (batch.Count == 0) break; // another reader cannot exist; defensive
                using var wait = new CancellationTokenSource(left);
                try
                {
                    if (!await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false)) break;
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            Run(batch);
        }
    }

    void Run(List<Work> batch)
    {
        // One group per model: its requests' texts predicted together; the backend may share the base's work across groups.
        var groups = batch.Where(w => !w.Done.Task.IsCompleted && !w.Cancellation.IsCancellationRequested)
            .GroupBy(w => w.Model, StringComparer.Ordinal).Select(g => (Model: g.Key, Works: g.ToList())).ToList();
        if (groups.Count > 0)
        {
            try
            {
                var results = backend.PredictMany(groups.Select(g => (g.Model, (IReadOnlyList<string>)g.Works.SelectMany(w => w.Texts).ToList())).ToList(), CancellationToken.None);
                Interlocked.Increment(ref batches);
                for (var i = 0; i < groups.Count; i++)
                {
                    var (model, works) = groups[i];
                    var count = works.Sum(w => w.Texts.Count);
                    Interlocked.Add(ref batchedTexts, count);
                    metrics?.Batch(model, count);
                    var offset = 0;
                    foreach (var work in works)
                    {
                        work.Done.TrySetResult(results[i].Skip(offset).Take(work.Texts.Count).ToList());
                        offset += work.Texts.Count;
                    }
                }
            }
            catch (Exception e)
            {
                logger?.LogError(e, "prediction with {Models} failed", string.Join(", ", groups.Select(g => g.Model)));
                foreach (var work in groups.SelectMany(g => g.Works)) work.Done.TrySetException(e);
            }
        }
        foreach (var work in batch.Where(w => !w.Done.Task.IsCompleted)) work.Done.TrySetCanceled(work.Cancellation);
    }

    /// <summary>Stops taking requests, finishes the queued ones and waits for the worker.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await worker.ConfigureAwait(false);
    }
}

/// <summary>The batcher no longer takes requests (the server is stopping, or the models were reloaded).</summary>
public sealed class BatcherClosedException() : InvalidOperationException("the batcher is shut down");

/// <summary>Bounds of a micro-batch.</summary>
/// <param name="MaxBatch">The most texts collected into one batch (a larger request is taken whole).</param>
/// <param name="MaxWait">How long the first request waits for others.</param>
public sealed record BatchingOptions(int MaxBatch, TimeSpan MaxWait);
