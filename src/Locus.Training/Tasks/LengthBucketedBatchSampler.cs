namespace Locus.Training.Tasks;

/// <summary>
/// Draws batches of items of similar length, so that little of each batch is padding, while keeping the order random.
/// For each epoch: shuffle all items, cut the shuffled list into buckets of <see cref="BucketBatches"/> batches'
/// worth, sort each bucket by length, cut it into batches, and shuffle the batches. The order depends only on the
/// <see cref="Random"/> given, so a resumed run that re-creates it draws the same batches.
/// </summary>
public sealed class LengthBucketedBatchSampler
{
    private readonly int[] _lengths;

    /// <summary>Creates a sampler over items of the given lengths (tokens, special tokens included).</summary>
    /// <param name="lengths">The length of every item.</param>
    /// <param name="batchSize">Items per batch; the last batch may be smaller.</param>
    /// <param name="bucketBatches">Batches per bucket. 1 gives plain random batches; larger sorts more widely, at the cost of batches being less mixed.</param>
    public LengthBucketedBatchSampler(IEnumerable<int> lengths, int batchSize, int bucketBatches = 50)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketBatches, 1);
        _lengths = lengths.ToArray();
        BatchSize = batchSize;
        BucketBatches = bucketBatches;
    }

    /// <summary>Items per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Batches per sorted bucket.</summary>
    public int BucketBatches { get; }

    /// <summary>The number of batches in an epoch.</summary>
    public int BatchCount => (_lengths.Length + BatchSize - 1) / BatchSize;

    /// <summary>The batches of one epoch, as item indices; every item appears exactly once.</summary>
    public int[][] Batches(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var order = new int[_lengths.Length];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        random.Shuffle(order);

        var bucketSize = BatchSize * BucketBatches;
        var keys = new long[Math.Min(bucketSize, order.Length)];
        for (var start = 0; start < order.Length; start += bucketSize)
        {
            var bucket = order.AsSpan(start, Math.Min(bucketSize, order.Length - start));
            // Length first, then the shuffled position: a total order, so the sort is the same on every run.
            for (var i = 0; i < bucket.Length; i++) keys[i] = ((long)_lengths[bucket[i]] << 32) | (uint)i;
            keys.AsSpan(0, bucket.Length).Sort(bucket);
        }

        var batches = new int[BatchCount][];
        for (var b = 0; b < batches.Length; b++)
        {
            var start = b * BatchSize;
            batches[b] = order[start..Math.Min(start + BatchSize, order.Length)];
        }

        random.Shuffle(batches);
        return batches;
    }

    /// <summary>Real tokens over all positions once each batch is padded to its longest item; 1 means no padding.</summary>
    public double PaddingEfficiency(IEnumerable<IReadOnlyList<int>> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        long real = 0, padded = 0;
        foreach (var batch in batches)
        {
            var longest = 0;
            foreach (var item in batch)
            {
                real += _lengths[item];
                longest = Math.Max(longest, _lengths[item]);
            }

            padded += (long)longest * batch.Count;
        }

        return padded == 0 ? 1 : real / (double)padded;
    }
}
