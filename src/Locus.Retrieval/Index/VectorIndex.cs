using System.Numerics.Tensors;

namespace Locus.Retrieval.Index;

/// <summary>
/// A persistent vector index: unit vectors with per-row metadata, exact (SIMD scan) and approximate (HNSW)
/// top-k, optional MMR diversity, incremental add, deletion by tombstone, float32/float16/int8 storage.
/// Opened indexes are memory-mapped; <see cref="Save"/> writes atomically (see <see cref="VectorIndexFile"/>).
/// Searches are thread-safe with each other; adding, deleting and saving need exclusive access.
/// </summary>
public sealed class VectorIndex : IDisposable
{
    private MappedFile? _file;
    private MetadataStore _metadata;

    private VectorIndex(string modelId, VectorStorage storage, MetadataStore metadata, HnswGraph? graph, MappedFile? file)
    {
        ModelId = modelId;
        Storage = storage;
        _metadata = metadata;
        Graph = graph;
        _file = file;
    }

    /// <summary>Creates an empty in-memory index for vectors of the encoder <paramref name="modelId"/>.</summary>
    public static VectorIndex Create(string modelId, int dimension, VectorIndexOptions? options = null)
    {
        options ??= new VectorIndexOptions();
        var storage = new VectorStorage(new VectorCodec(options.DataType, dimension));
        return new VectorIndex(modelId, storage, new MetadataStore(), options.Hnsw is null ? null : new HnswGraph(storage, options.Hnsw), null);
    }

    /// <summary>
    /// Maps an index file. A truncated or damaged file throws <see cref="LocusException"/> naming the file and
    /// the fault. <paramref name="efSearch"/> overrides the saved HNSW query parameter.
    /// </summary>
    public static VectorIndex Open(string path, int? efSearch = null)
    {
        var (file, storage, metadata, modelId, graph) = VectorIndexFile.Read(path, efSearch);
        return new VectorIndex(modelId, storage, metadata, graph, file);
    }

    /// <summary>Encoder that produced the vectors (queries must use the same one).</summary>
    public string ModelId { get; }

    /// <summary>Components per vector.</summary>
    public int Dimension => Storage.Codec.Dimension;

    /// <summary>Storage type of the vectors.</summary>
    public VectorDataType DataType => Storage.Codec.DataType;

    /// <summary>Rows stored, deleted ones included.</summary>
    public int Count => Storage.Count;

    /// <summary>Rows not deleted.</summary>
    public int LiveCount => Count - _metadata.DeletedCount;

    /// <summary>Largest key stored, -1 when empty.</summary>
    public long MaxKey => _metadata.MaxKey;

    /// <summary>The approximate index, or null when the index is exact-only.</summary>
    public HnswGraph? Graph { get; private set; }

    /// <summary>The encoded vectors.</summary>
    public VectorStorage Storage { get; private set; }

    /// <summary>
    /// Appends vectors with their metadata and links them into the graph; returns the first new row id.
    /// Vectors are normalised to unit length if they are not already (zero vectors stay zero).
    /// </summary>
    public int Add(IReadOnlyList<float[]> vectors, IReadOnlyList<VectorRecordMetadata> metadata, CancellationToken cancellationToken = default)
    {
        if (vectors.Count != metadata.Count) throw new ArgumentException($"{vectors.Count} vectors but {metadata.Count} metadata records");
        var first = Count;
        var unit = new float[Dimension];
        for (var i = 0; i < vectors.Count; i++)
        {
            if (vectors[i].Length != Dimension) throw new LocusException($"vector {i} has {vectors[i].Length} components, the index ({ModelId}) expects {Dimension}");
            Normalise(vectors[i], unit);
            Storage.Add(unit);
            _metadata.Add(metadata[i]);
        }
        Graph?.AddRange(Count, cancellationToken);
        return first;
    }

    /// <summary>Marks row <paramref name="row"/> deleted: it stays on disk until rebuilt but is never returned.</summary>
    public void Delete(int row)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)Count, nameof(row));
        _metadata.MarkDeleted(row);
    }

    /// <summary>Whether row <paramref name="row"/> is deleted.</summary>
    public bool IsDeleted(int row) => _metadata.IsDeleted(row);

    /// <summary>Row of the live record with <paramref name="key"/>, or null.</summary>
    public int? RowOf(ulong key) => _metadata.RowOf(key);

    /// <summary>Metadata of row <paramref name="row"/>.</summary>
    public VectorRecordMetadata GetMetadata(int row) => _metadata.Get(row);

    /// <summary>Decoded vector of row <paramref name="row"/>.</summary>
    public float[] GetVector(int row) => Storage.Get(row);

    /// <summary>The most similar live rows to <paramref name="query"/> (a unit vector), best first.</summary>
    public IReadOnlyList<IndexHit> Search(ReadOnlySpan<float> query, IndexSearchOptions? options = null)
    {
        options ??= new IndexSearchOptions();
        var (wanted, include) = Prepare(options);
        CheckQuery(query.Length);
        var hits = options.Exact || Graph is null
            ? ExactSearch.TopK(Storage, query, wanted, include)
            : Graph.Search(query, wanted, options.EfSearch is null ? null : Math.Max(options.EfSearch.Value, wanted), include);
        return Finish(hits, options);
    }

    /// <summary>
    /// Searches many queries at once (result[i] for queries[i]). Exact searches read the rows once per block of
    /// 64 queries (a blocked matrix product), far faster than one scan per query; graph searches run in parallel.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<IndexHit>> SearchMany(IReadOnlyList<float[]> queries, IndexSearchOptions? options = null)
    {
        options ??= new IndexSearchOptions();
        var (wanted, include) = Prepare(options);
        foreach (var query in queries) CheckQuery(query.Length);
        if (options.Exact || Graph is null)
            return ExactSearch.TopK(Storage, queries, wanted, include).Select(hits => Finish(hits, options)).ToArray();
        var results = new IReadOnlyList<IndexHit>[queries.Count];
        var ef = options.EfSearch is null ? (int?)null : Math.Max(options.EfSearch.Value, wanted);
        Parallel.For(0, queries.Count, i => results[i] = Finish(Graph.Search(queries[i], wanted, ef, include), options));
        return results;
    }

    private (int Wanted, Func<int, bool>? Include) Prepare(IndexSearchOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.K);
        var wanted = options.MmrLambda is null ? options.K : Math.Max(options.MmrPoolSize > 0 ? options.MmrPoolSize : Math.Max(4 * options.K, 40), options.K);
        Func<int, bool>? include = _metadata.DeletedCount == 0 ? null : row => !_metadata.IsDeleted(row);
        return (wanted, include);
    }

    private void CheckQuery(int length)
    {
        if (length != Dimension) throw new LocusException($"query has {length} components, the index ({ModelId}) expects {Dimension}");
    }

    private IndexHit[] Finish(SearchHit[] hits, IndexSearchOptions options)
    {
        if (options.MmrLambda is { } lambda) hits = MaximalMarginalRelevance.Select(hits, options.K, lambda, Storage.Get);
        return hits.Select(h => new IndexHit(h.Id, h.Score, _metadata.Get(h.Id))).ToArray();
    }

    /// <summary>
    /// Writes the index to <paramref name="path"/> atomically. An index created in memory, or opened from that same
    /// path, is re-mapped from the new file afterwards, so its rows move out of managed memory. Saving to another
    /// path leaves the index as it is (a copy).
    /// </summary>
    public void Save(string path)
    {
        var full = Path.GetFullPath(path);
        VectorIndexFile.Write(this, full);
        if (_file is not null && Path.GetFullPath(_file.Path) != full) return;
        var hnsw = Graph?.Options;
        var (file, storage, metadata, _, graph) = VectorIndexFile.Read(full, hnsw?.EfSearch);
        if (graph is not null && hnsw is not null) graph.Options.MaxDegreeOfParallelism = hnsw.MaxDegreeOfParallelism;
        _file?.Dispose();
        (_file, Storage, _metadata, Graph) = (file, storage, metadata, graph);
    }

    /// <summary>Unmaps the file the index was opened from.</summary>
    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
    }

    private static void Normalise(ReadOnlySpan<float> vector, Span<float> unit)
    {
        // Encoders already return unit vectors; dividing again would only perturb the last bits.
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0 && Math.Abs(norm - 1) > 1e-5f) TensorPrimitives.Divide(vector, norm, unit);
        else vector.CopyTo(unit);
    }
}
