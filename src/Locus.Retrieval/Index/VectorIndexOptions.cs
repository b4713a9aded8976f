namespace Locus.Retrieval.Index;

/// <summary>How a new <see cref="VectorIndex"/> stores and indexes its vectors.</summary>
public sealed class VectorIndexOptions
{
    /// <summary>Storage type of the vectors. Default <see cref="VectorDataType.Float32"/>.</summary>
    public VectorDataType DataType { get; set; } = VectorDataType.Float32;

    /// <summary>HNSW graph parameters; null keeps no graph and every search is exact. Default: a graph with default parameters.</summary>
    public HnswOptions? Hnsw { get; set; } = new();
}

/// <summary>Parameters of one top-k query.</summary>
public sealed class IndexSearchOptions
{
    /// <summary>Number of results. Default 10.</summary>
    public int K { get; set; } = 10;

    /// <summary>Scan every vector instead of walking the HNSW graph. Default false (exact anyway when there is no graph).</summary>
    public bool Exact { get; set; }

    /// <summary>HNSW candidate list size for this query; null uses the index's <see cref="HnswOptions.EfSearch"/>.</summary>
    public int? EfSearch { get; set; }

    /// <summary>
    /// When set, re-ranks a larger candidate pool with maximal marginal relevance: λ = 1 is pure relevance,
    /// λ = 0 pure diversity. Null (default) returns plain top-k.
    /// </summary>
    public float? MmrLambda { get; set; }

    /// <summary>Candidates fetched for MMR re-ranking; 0 (default) uses max(4·K, 40).</summary>
    public int MmrPoolSize { get; set; }
}
