using System.Globalization;
using System.Numerics.Tensors;
using Locus.Models.Encoders;
using Locus.Models.Tokenization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace Locus.Retrieval.Embeddings;

/// <summary>
/// Sentence vectors from any encoder Locus.Models loads (BERT family, DeBERTa-v2/v3; a Hugging Face folder or
/// the output of <c>locus pretrain</c>): mean or CLS pooling of the last hidden state, L2-normalised.
/// Passages (<see cref="EncodeAsync"/>) and queries (<see cref="EncodeQueriesAsync"/>) get their own prefix,
/// as E5/BGE-style models are trained with. Windows are sorted by length and batched so that padding stays small;
/// results come back in input order.
/// <para>
/// Long texts are never silently cut: a text longer than <see cref="MaxLength"/> tokens is split into consecutive
/// windows (each wrapped in the model's special tokens), and the sentence vector pools them all: mean pooling
/// averages every token of every window, CLS pooling averages the windows' first-token vectors.
/// </para>
/// </summary>
public sealed class TransformerSentenceEncoder : ISentenceEncoder, IDisposable
{
    private readonly TransformerEncoderOptions _options;
    private readonly EncoderModel _model;
    private readonly ITextTokenizer _tokenizer;
    private readonly EncodeOptions _windowing;
    private readonly long _padId;
    private readonly Lock _lock = new();

    /// <summary>Loads the model and tokenizer of <see cref="TransformerEncoderOptions.ModelPath"/>.</summary>
    /// <exception cref="LocusException">The folder is missing, holds no supported model or tokenizer, or a setting is out of range.</exception>
    public TransformerSentenceEncoder(TransformerEncoderOptions options, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        _options = options;
        if (!Directory.Exists(options.ModelPath)) throw new LocusException($"model folder not found: {options.ModelPath}");
        if (options.BatchSize < 1) throw new LocusException($"encoder batch size must be positive (got {options.BatchSize})");
        if (options.Threads is < 1) throw new LocusException($"encoder threads must be positive (got {options.Threads})");

        var config = EncoderModels.ReadConfig(options.ModelPath);
        _tokenizer = TokenizerFactory.FromFolder(options.ModelPath);
        var limit = Math.Min(Math.Min(config.MaxPositionEmbeddings, _tokenizer.ModelMaxLength ?? int.MaxValue), 512);
        MaxLength = options.MaxLength ?? limit;
        if (MaxLength < 3 || MaxLength > limit)
            throw new LocusException($"{options.ModelPath}: window length must be between 3 and the model's {limit} tokens (got {MaxLength})");
        _windowing = EncodeOptions.Truncated(MaxLength);
        _padId = _tokenizer.PadTokenId ?? config.PadTokenId;
        Dimension = config.HiddenSize;

        if (options.Threads is { } threads) torch.set_num_threads(threads);
        if (options.BFloat16 && !BFloat16Support.IsAccelerated)
            logger.LogWarning("this CPU has no native bfloat16 support; --bf16 will be slower than float32");
        _model = EncoderModels.Load(options.ModelPath, new EncoderLoadOptions { Dtype = options.BFloat16 ? ScalarType.BFloat16 : null, Logger = logger });
        _model.eval();

        ModelId = string.Create(CultureInfo.InvariantCulture,
            $"transformer-v1:{config.ModelType}:{ModelFingerprint.Compute(options.ModelPath)}:{options.Pooling.ToString().ToLowerInvariant()}:{(options.BFloat16 ? "bf16" : "fp32")}:w{MaxLength}:q={Quote(options.QueryPrefix)}:p={Quote(options.PassagePrefix)}");
    }

    /// <summary>
    /// Model content hash, pooling, dtype, window length and both prefixes: everything that changes a vector.
    /// Queries and passages share it because they live in one embedding space.
    /// </summary>
    public string ModelId { get; }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <summary>Tokens per window, special tokens included.</summary>
    public int MaxLength { get; }

    /// <summary>Encodes passages (texts to index), each prefixed with <see cref="TransformerEncoderOptions.PassagePrefix"/>.</summary>
    public Task<float[][]> EncodeAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        Task.FromResult(Encode(texts, _options.PassagePrefix, cancellationToken));

    /// <summary>Encodes queries, each prefixed with <see cref="TransformerEncoderOptions.QueryPrefix"/>.</summary>
    public Task<float[][]> EncodeQueriesAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        Task.FromResult(Encode(texts, _options.QueryPrefix, cancellationToken));

    /// <summary>Releases the model's tensors.</summary>
    public void Dispose() => _model.Dispose();

    private float[][] Encode(IReadOnlyList<string> texts, string prefix, CancellationToken cancellationToken)
    {
        var windows = new List<(int Text, int[] Ids)>(texts.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            var encoding = _tokenizer.Encode(prefix + texts[i], null, _windowing);
            windows.Add((i, encoding.Ids));
            windows.AddRange(encoding.Overflowing.Select(o => (i, o.Ids)));
        }
        var order = Enumerable.Range(0, windows.Count).OrderBy(w => windows[w].Ids.Length).ToArray();

        // Sums suffice: both poolings are averages, and the final L2 normalisation removes the count.
        var sums = new float[texts.Count][];
        for (var i = 0; i < sums.Length; i++) sums[i] = new float[Dimension];
        lock (_lock)
        {
            using var inference = inference_mode();
            for (var start = 0; start < order.Length; start += _options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var members = order.AsSpan(start, Math.Min(_options.BatchSize, order.Length - start)).ToArray();
                var pooled = PoolBatch(members.Select(w => windows[w].Ids).ToArray());
                for (var j = 0; j < members.Length; j++)
                    TensorPrimitives.Add(sums[windows[members[j]].Text], pooled.AsSpan(j * Dimension, Dimension), sums[windows[members[j]].Text]);
            }
        }
        foreach (var sum in sums)
        {
            var norm = TensorPrimitives.Norm(sum);
            if (norm > 0) TensorPrimitives.Divide(sum, norm, sum);
        }
        return sums;
    }

    /// <summary>One forward pass over windows padded to the longest; per window the sum of its real token vectors (mean) or its first token's vector (CLS), row-major.</summary>
    private float[] PoolBatch(int[][] windows)
    {
        using var scope = NewDisposeScope();
        var length = windows.Max(w => w.Length);
        var ids = new long[windows.Length * length];
        var mask = new long[windows.Length * length];
        Array.Fill(ids, _padId);
        for (var i = 0; i < windows.Length; i++)
            for (var t = 0; t < windows[i].Length; t++)
            {
                ids[i * length + t] = windows[i][t];
                mask[i * length + t] = 1;
            }
        var maskTensor = tensor(mask, [windows.Length, length]);
        var hidden = _model.forward(new EncoderInput(tensor(ids, [windows.Length, length]), maskTensor)).LastHiddenState.to(ScalarType.Float32);
        var pooled = _options.Pooling == SentencePooling.Cls
            ? hidden.select(1, 0)
            : (hidden * maskTensor.unsqueeze(-1).to(ScalarType.Float32)).sum(1);
        return pooled.contiguous().data<float>().ToArray();
    }

    private static string Quote(string prefix) => Uri.EscapeDataString(prefix);
}
