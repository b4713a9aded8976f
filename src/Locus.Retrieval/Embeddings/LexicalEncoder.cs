using System.Globalization;
using System.Numerics.Tensors;

namespace Locus.Retrieval.Embeddings;

/// <summary>
/// A model-free sentence encoder, so retrieval works on a fresh machine: TF-IDF over words, word bigrams and
/// character trigrams, folded into a dense vector by signed feature hashing (Weinberger et al., 2009: each
/// feature adds ±weight to one bucket, so collisions cancel in expectation), then L2-normalised. Term
/// frequency is sublinear (1 + ln tf); without fitted <see cref="LexicalStatistics"/> every feature has idf 1.
/// </summary>
public sealed class LexicalEncoder : ISentenceEncoder
{
    private readonly LexicalEncoderOptions _options;
    private readonly LexicalStatistics? _statistics;

    /// <summary>Creates the encoder; <paramref name="statistics"/> supplies idf weights (recommended).</summary>
    public LexicalEncoder(LexicalEncoderOptions? options = null, LexicalStatistics? statistics = null)
    {
        _options = options ?? new LexicalEncoderOptions();
        if (_options.Dimension < 8) throw new LocusException($"lexical encoder dimension must be at least 8 (got {_options.Dimension})");
        _statistics = statistics;
        var idf = statistics is null ? "noidf" : "idf" + statistics.Fingerprint.ToString("x16", CultureInfo.InvariantCulture);
        ModelId = string.Create(CultureInfo.InvariantCulture,
            $"lexical-v1:d{_options.Dimension}:b{_options.BigramWeight:0.###}:c{_options.CharTrigramWeight:0.###}:{idf}");
    }

    /// <inheritdoc />
    public string ModelId { get; }

    /// <inheritdoc />
    public int Dimension => _options.Dimension;

    /// <inheritdoc />
    public Task<float[][]> EncodeAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        var vectors = new float[texts.Count][];
        Parallel.For(0, texts.Count, new ParallelOptions { CancellationToken = cancellationToken }, i => vectors[i] = Encode(texts[i]));
        return Task.FromResult(vectors);
    }

    /// <summary>Encodes one sentence.</summary>
    public float[] Encode(string text)
    {
        var termFrequency = new Dictionary<ulong, (int Count, LexicalFeatures.Kind Kind)>();
        LexicalFeatures.Extract(text, (hash, kind) =>
        {
            termFrequency.TryGetValue(hash, out var entry);
            termFrequency[hash] = (entry.Count + 1, kind);
        });
        var vector = new float[_options.Dimension];
        foreach (var (hash, (count, kind)) in termFrequency)
        {
            var weight = KindWeight(kind) * (1f + MathF.Log(count)) * (_statistics?.InverseDocumentFrequency(hash) ?? 1f);
            if (weight == 0) continue;
            var bucket = (int)(hash % (ulong)_options.Dimension);
            vector[bucket] += (hash & (1UL << 63)) != 0 ? -weight : weight;
        }
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0) TensorPrimitives.Divide(vector, norm, vector);
        return vector;
    }

    private float KindWeight(LexicalFeatures.Kind kind) => kind switch
    {
        LexicalFeatures.Kind.Word => 1f,
        LexicalFeatures.Kind.Bigram => _options.BigramWeight,
        _ => _options.CharTrigramWeight,
    };
}
