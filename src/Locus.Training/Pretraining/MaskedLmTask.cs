using Locus.Models.Encoders;
using Locus.Models.Tokenization;
using Locus.Training.Tasks;
using Locus.Training.Trainer;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Locus.Training.Pretraining;

/// <summary>
/// Masked-language modelling as a <see cref="ITrainingTask"/>: sequences are bucketed by length into batches,
/// masked afresh every time they are seen, and the dev metric is the masked-token accuracy on held-out text
/// with a fixed mask (so epochs are comparable).
/// </summary>
public sealed class MaskedLmTask : ITrainingTask, IDisposable
{
    readonly EncoderForMaskedLM model;
    readonly int[][] train;
    readonly int[][] dev;
    readonly int batchSize;
    readonly double probability;
    readonly long maskTokenId, padTokenId, vocabSize;
    readonly HashSet<int> specialIds;
    readonly List<(Tensor Ids, Tensor Mask, Tensor Labels)> devBatches;
    readonly LengthBucketedBatchSampler sampler;
    int[][] batches = [];

    /// <summary>Tokenises <paramref name="trainTexts"/> and <paramref name="devTexts"/>; texts longer than <paramref name="maxLength"/> are split into windows, never cut.</summary>
    public MaskedLmTask(EncoderForMaskedLM model, ITextTokenizer tokenizer, IReadOnlyList<string> trainTexts, IReadOnlyList<string> devTexts,
        int maxLength, int batchSize, double maskProbability = 0.15, int seed = 0)
    {
        this.model = model;
        this.batchSize = batchSize;
        probability = maskProbability;
        maskTokenId = tokenizer.MaskTokenId ?? throw new LocusException("the tokenizer has no [MASK] token; masked-language modelling needs one");
        padTokenId = tokenizer.PadTokenId ?? 0;
        vocabSize = model.Config.VocabSize;
        specialIds = tokenizer.SpecialTokenIds.ToHashSet();
        if (tokenizer.VocabSize > vocabSize)
            throw new LocusException($"the tokenizer has {tokenizer.VocabSize} tokens but the model's vocab_size is {vocabSize}");
        train = Windows(tokenizer, trainTexts, maxLength);
        dev = Windows(tokenizer, devTexts, maxLength);
        devBatches = BuildDevBatches(seed);
        sampler = new LengthBucketedBatchSampler(train.Select(t => t.Length), batchSize);
    }

    static int[][] Windows(ITextTokenizer tokenizer, IReadOnlyList<string> texts, int maxLength)
    {
        var options = new EncodeOptions { MaxLength = maxLength, Truncation = TruncationStrategy.LongestFirst };
        return texts.Where(t => !string.IsNullOrWhiteSpace(t))
            .SelectMany(t => { var e = tokenizer.Encode(t, null, options); return e.Overflowing.Prepend(e); })
            .Select(e => e.Ids)
            .ToArray();
    }

    /// <summary>Number of training sequences (windows).</summary>
    public int TrainSequences => train.Length;

    /// <inheritdoc />
    public int BatchesPerEpoch => sampler.BatchCount;

    /// <inheritdoc />
    public IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters =>
        model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter)).ToList();

    /// <inheritdoc />
    public void SetTrainingMode(bool training) => model.train(training);

    /// <inheritdoc />
    public void ShuffleBatches(Random random) => batches = sampler.Batches(random);

    /// <inheritdoc />
    public Tensor Loss(int index)
    {
        var (ids, mask) = Pad(batches[index].Select(i => train[i]).ToList());
        var (inputs, labels) = MlmMasking.Mask(ids, Maskable(ids, mask), maskTokenId, vocabSize, probability);
        var targets = labels.ne(MlmMasking.IgnoreIndex);
        var logits = model.ForwardMasked(new EncoderInput(inputs, mask), targets);
        return nn.functional.cross_entropy(logits, labels[targets]);
    }

    /// <summary>Masked-token accuracy on the held-out windows.</summary>
    public double EvaluateDev(CancellationToken cancellationToken)
    {
        if (devBatches.Count == 0) return 0;
        using var noGrad = no_grad();
        long correct = 0, total = 0;
        foreach (var (ids, mask, labels) in devBatches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var targets = labels.ne(MlmMasking.IgnoreIndex);
            var predicted = model.ForwardMasked(new EncoderInput(ids, mask), targets).argmax(1);
            correct += predicted.eq(labels[targets]).sum().item<long>();
            total += targets.sum().item<long>();
        }
        return total == 0 ? 0 : (double)correct / total;
    }

    List<(Tensor, Tensor, Tensor)> BuildDevBatches(int seed)
    {
        var generator = new Generator(unchecked((ulong)seed + 1));
        var result = new List<(Tensor, Tensor, Tensor)>();
        foreach (var chunk in dev.OrderBy(d => d.Length).Chunk(batchSize))
        {
            var (ids, mask) = Pad(chunk);
            var (inputs, labels) = MlmMasking.Mask(ids, Maskable(ids, mask), maskTokenId, vocabSize, probability, generator);
            result.Add((inputs.DetachFromDisposeScope(), mask.DetachFromDisposeScope(), labels.DetachFromDisposeScope()));
            ids.Dispose();
        }
        return result;
    }

    (Tensor Ids, Tensor Mask) Pad(IReadOnlyList<int[]> sequences)
    {
        var length = sequences.Max(s => s.Length);
        var ids = new long[sequences.Count * length];
        var mask = new long[sequences.Count * length];
        Array.Fill(ids, padTokenId);
        for (var r = 0; r < sequences.Count; r++)
        {
            for (var c = 0; c < sequences[r].Length; c++)
            {
                ids[r * length + c] = sequences[r][c];
                mask[r * length + c] = 1;
            }
        }
        return (tensor(ids, sequences.Count, length), tensor(mask, sequences.Count, length));
    }

    Tensor Maskable(Tensor ids, Tensor mask)
    {
        var special = zeros_like(ids, dtype: ScalarType.Bool);
        foreach (var id in specialIds) special = special.logical_or(ids.eq(id));
        return mask.eq(1).logical_and(special.logical_not());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (a, b, c) in devBatches) { a.Dispose(); b.Dispose(); c.Dispose(); }
    }
}
