using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Locus.Retrieval.Embeddings;

/// <summary>
/// Transformer sentence encoders loaded once per process: every index folder, pipeline stage and search that asks for
/// the same model and settings shares one loaded model (they are thread-safe), instead of reading and building it
/// again. The models stay loaded until the process ends; callers get a view that does not own the model, so their
/// <c>Dispose</c> leaves it for the next user.
/// </summary>
public static class SharedTransformerEncoders
{
    static readonly ConcurrentDictionary<string, Lazy<TransformerSentenceEncoder>> Loaded = new(StringComparer.Ordinal);

    /// <summary>The process-wide encoder for <paramref name="options"/>, loaded on first use.</summary>
    public static ISentenceEncoder Get(TransformerEncoderOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        // The weights' and config's write times are part of the key: a model rewritten in place is loaded afresh.
        var folder = Path.GetFullPath(options.ModelPath);
        var key = string.Join('\u001f', folder, WrittenAt(folder, "model.safetensors"), WrittenAt(folder, "config.json"), options.Pooling, options.QueryPrefix, options.PassagePrefix, options.BFloat16,
            options.MaxLength, options.BatchSize, options.Threads);
        var lazy = Loaded.GetOrAdd(key, _ => new Lazy<TransformerSentenceEncoder>(() => new TransformerSentenceEncoder(options, logger)));
        try
        {
            return new View(lazy.Value);
        }
        catch
        {
            Loaded.TryRemove(key, out _); // a failed load (bad folder) is not remembered
            throw;
        }
    }

    static long WrittenAt(string folder, string file) => File.GetLastWriteTimeUtc(Path.Combine(folder, file)).Ticks;

    sealed class View(TransformerSentenceEncoder encoder) : ISentenceEncoder
    {
        public string ModelId => encoder.ModelId;
        public int Dimension => encoder.Dimension;
        public Task<float[][]> EncodeAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) => encoder.EncodeAsync(texts, cancellationToken);
        public Task<float[][]> EncodeQueriesAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) => encoder.EncodeQueriesAsync(texts, cancellationToken);
    }
}
