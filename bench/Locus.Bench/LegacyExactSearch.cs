using Locus.Retrieval.Index;

namespace Locus.Bench;

/// <summary>
/// The exact scan as it was before the rewrite (one span and one dot product per row through
/// <see cref="VectorStorage.Dot(int, ReadOnlySpan{float}, Span{float})"/>, a PriorityQueue top-k, partitions of 65,536
/// rows in parallel), kept only as the "before" baseline so both are timed in the same run on the same mapped index.
/// </summary>
internal static class LegacyExactSearch
{
    private const int RowsPerPartition = 65536;

    public static int[] TopK(VectorStorage storage, float[] query, int k)
    {
        var count = storage.Count;
        var partitions = (count + RowsPerPartition - 1) / RowsPerPartition;
        var partial = new (int Id, float Score)[partitions][];
        Parallel.For(0, partitions, p =>
        {
            var start = p * RowsPerPartition;
            var heap = new PriorityQueue<int, float>(k + 1);
            Span<float> scratch = stackalloc float[storage.Codec.Dimension];
            for (var id = start; id < Math.Min(count, start + RowsPerPartition); id++)
            {
                var score = storage.Dot(id, query, scratch);
                if (heap.Count < k) heap.Enqueue(id, score);
                else if (heap.TryPeek(out _, out var threshold) && score > threshold) heap.EnqueueDequeue(id, score);
            }
            partial[p] = heap.UnorderedItems.Select(e => (e.Element, e.Priority)).ToArray();
        });
        return partial.SelectMany(p => p).OrderByDescending(h => h.Score).ThenBy(h => h.Id).Take(k).Select(h => h.Id).ToArray();
    }
}
