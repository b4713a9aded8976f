namespace Locus.Retrieval.Index;

/// <summary>
/// Parameters of the hierarchical navigable small-world graph (Malkov &amp; Yashunin, 2018).
/// Larger values raise recall and cost: <see cref="M"/> memory and build time, <see cref="EfConstruction"/>
/// build time, <see cref="EfSearch"/> query time.
/// </summary>
public sealed class HnswOptions
{
    /// <summary>Links per node on the upper layers; layer 0 keeps up to 2·M. Default 16.</summary>
    public int M { get; set; } = 16;

    /// <summary>Size of the candidate list while inserting. Default 200.</summary>
    public int EfConstruction { get; set; } = 200;

    /// <summary>Size of the candidate list while querying (raised to k when smaller). Default 64.</summary>
    public int EfSearch { get; set; } = 64;

    /// <summary>Seed of the level assignment, so a single-threaded build is reproducible. Default 42.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>
    /// Threads used to insert a batch. Default 1: the graph (and so the index file and every search result) is the
    /// same on every run. More threads build faster, but insertion order then depends on thread timing and the graph
    /// differs from run to run (opt in with <c>corpus ingest --hnsw-threads</c>).
    /// </summary>
    public int MaxDegreeOfParallelism { get; set; } = 1;

    /// <summary>Throws when a value is out of range, naming the option.</summary>
    public void Validate()
    {
        if (M < 2 || M > 256) throw new LocusException($"HNSW M must be between 2 and 256 (got {M})");
        if (EfConstruction < 1) throw new LocusException($"HNSW ef_construction must be positive (got {EfConstruction})");
        if (EfSearch < 1) throw new LocusException($"HNSW ef_search must be positive (got {EfSearch})");
        if (MaxDegreeOfParallelism < 1) throw new LocusException($"HNSW parallelism must be positive (got {MaxDegreeOfParallelism})");
    }
}
