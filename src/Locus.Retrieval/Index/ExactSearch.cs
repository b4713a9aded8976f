using System.Runtime.InteropServices;

namespace Locus.Retrieval.Index;

/// <summary>
/// Brute-force top-k. One query is memory-bandwidth bound: rows are read as long contiguous runs, scored with a
/// SIMD dot product and kept in a bounded min-heap that allocates nothing per row; large indexes are split into
/// partitions scanned on all cores and merged. Many queries share one pass over the rows: each row (decoded once
/// for float16/int8) is scored against a block of queries held in cache (<see cref="QueryBlockKernel"/>), which
/// turns the scan into a blocked matrix product instead of one full read of the index per query.
/// </summary>
public static class ExactSearch
{
    // Rows one partition scans; below twice this the scan stays on the calling thread (no scheduling cost).
    private const int MinRowsPerPartition = 32_768;

    // Queries scored per pass over the rows: 64 × 384-d float queries are 96 KB, which stays in L2.
    private const int QueryBlock = 64;

    // Rows fetched per contiguous run.
    private const int RunRows = 1024;

    /// <summary>The <paramref name="k"/> rows most similar to <paramref name="query"/>, best first (ties: lower row first).</summary>
    /// <param name="storage">Rows to scan.</param>
    /// <param name="query">Unit-length query vector.</param>
    /// <param name="k">Number of hits wanted.</param>
    /// <param name="include">Optional row filter (e.g. skip deleted rows); null keeps all.</param>
    public static SearchHit[] TopK(VectorStorage storage, ReadOnlySpan<float> query, int k, Func<int, bool>? include = null) =>
        TopK(storage, [query.ToArray()], k, include)[0];

    /// <summary>
    /// The <paramref name="k"/> best rows for each of <paramref name="queries"/> (result[i] for queries[i], best
    /// first), reading the rows once per block of 64 queries.
    /// </summary>
    public static SearchHit[][] TopK(VectorStorage storage, IReadOnlyList<float[]> queries, int k, Func<int, bool>? include = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        var dimension = storage.Codec.Dimension;
        if (queries.FirstOrDefault(q => q.Length != dimension) is { } wrong)
            throw new ArgumentException($"query has {wrong.Length} components, the index expects {dimension}");
        var results = new SearchHit[queries.Count][];
        for (var first = 0; first < queries.Count; first += QueryBlock)
        {
            var block = queries.Skip(first).Take(QueryBlock).ToArray();
            var packed = new float[block.Length * dimension];
            for (var q = 0; q < block.Length; q++) block[q].CopyTo(packed, q * dimension);
            var blockResults = SearchBlock(storage, packed, block.Length, k, include);
            blockResults.CopyTo(results, first);
        }
        return results;
    }

    private static SearchHit[][] SearchBlock(VectorStorage storage, float[] queries, int queryCount, int k, Func<int, bool>? include)
    {
        var count = storage.Count;
        var partitions = Math.Max(1, Math.Min(count / MinRowsPerPartition, 4 * Environment.ProcessorCount));
        var heaps = new ScoredMinHeap[partitions][];
        if (partitions == 1) heaps[0] = Scan(storage, queries, queryCount, k, 0, count, include);
        else
        {
            var rowsPerPartition = (count + partitions - 1) / partitions;
            Parallel.For(0, partitions, p =>
            {
                var start = p * rowsPerPartition;
                heaps[p] = Scan(storage, queries, queryCount, k, start, Math.Min(count, start + rowsPerPartition), include);
            });
        }
        var results = new SearchHit[queryCount][];
        for (var q = 0; q < queryCount; q++)
            results[q] = heaps.SelectMany(h => h[q].Items())
                .OrderByDescending(h => h.Score).ThenBy(h => h.Id)
                .Take(k).ToArray();
        return results;
    }

    private static ScoredMinHeap[] Scan(VectorStorage storage, float[] queries, int queryCount, int k, int start, int end, Func<int, bool>? include)
    {
        var codec = storage.Codec;
        var dimension = codec.Dimension;
        var heaps = new ScoredMinHeap[queryCount];
        for (var q = 0; q < queryCount; q++) heaps[q] = new ScoredMinHeap();
        var scores = new float[queryCount];
        var decoded = codec.DataType == VectorDataType.Float32 ? null : new float[dimension];
        for (var id = start; id < end;)
        {
            var run = storage.Run(id, Math.Min(RunRows, end - id), out var rows);
            for (var i = 0; i < rows; i++, id++)
            {
                if (include is not null && !include(id)) continue;
                var rowBytes = run.Slice(i * codec.RowBytes, codec.RowBytes);
                ReadOnlySpan<float> row;
                if (decoded is null) row = MemoryMarshal.Cast<byte, float>(rowBytes);
                else
                {
                    codec.Decode(rowBytes, decoded);
                    row = decoded;
                }
                if (queryCount == 1) heaps[0].Offer(id, System.Numerics.Tensors.TensorPrimitives.Dot(row, queries), k);
                else
                {
                    QueryBlockKernel.Score(row, queries, scores);
                    for (var q = 0; q < queryCount; q++) heaps[q].Offer(id, scores[q], k);
                }
            }
        }
        return heaps;
    }
}
