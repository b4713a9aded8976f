namespace Locus.Retrieval.Index;

/// <summary>
/// Brute-force top-k by scanning every row with a SIMD dot product. The scan is memory-bandwidth bound, so
/// large indexes are split into a few contiguous partitions scanned in parallel and merged.
/// </summary>
public static class ExactSearch
{
    private const int RowsPerPartition = 65536;

    /// <summary>The <paramref name="k"/> rows most similar to <paramref name="query"/>, best first.</summary>
    /// <param name="storage">Rows to scan.</param>
    /// <param name="query">Unit-length query vector.</param>
    /// <param name="k">Number of hits wanted.</param>
    /// <param name="include">Optional row filter (e.g. skip deleted rows); null keeps all.</param>
    public static SearchHit[] TopK(VectorStorage storage, ReadOnlySpan<float> query, int k, Func<int, bool>? include = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        var count = storage.Count;
        if (count <= RowsPerPartition) return Scan(storage, query, k, 0, count, include).ToSortedArray();

        var partitions = (count + RowsPerPartition - 1) / RowsPerPartition;
        var queryCopy = query.ToArray();
        var partial = new SearchHit[partitions][];
        Parallel.For(0, partitions, p =>
        {
            var start = p * RowsPerPartition;
            partial[p] = Scan(storage, queryCopy, k, start, Math.Min(count, start + RowsPerPartition), include).ToSortedArray();
        });
        var merged = new TopKCollector(k);
        foreach (var hits in partial)
            foreach (var hit in hits) merged.Offer(hit.Id, hit.Score);
        return merged.ToSortedArray();
    }

    private static TopKCollector Scan(VectorStorage storage, ReadOnlySpan<float> query, int k, int start, int end, Func<int, bool>? include)
    {
        var top = new TopKCollector(k);
        Span<float> scratch = stackalloc float[storage.Codec.Dimension];
        for (var id = start; id < end; id++)
        {
            if (include is not null && !include(id)) continue;
            top.Offer(id, storage.Dot(id, query, scratch));
        }
        return top;
    }
}
