namespace Locus.Retrieval.Index;

/// <summary>
/// Per-thread working memory of <see cref="HnswGraph"/> searches (visited stamps, candidate queue, result list,
/// link buffer, decoded-row scratch), reused across searches so the hot loop allocates nothing.
/// </summary>
internal sealed class HnswSearchContext(int maxLinks, int dimension)
{
    /// <summary>Nodes already scored in the current search.</summary>
    public VisitedSet Visited { get; } = new();

    /// <summary>Nodes still to expand, by negated score (root = most similar).</summary>
    public ScoredMinHeap Candidates { get; } = new();

    /// <summary>Best nodes found so far (root = weakest kept).</summary>
    public ScoredMinHeap Results { get; } = new();

    /// <summary>Copy of one node's links.</summary>
    public int[] Links { get; } = new int[maxLinks];

    /// <summary>A decoded row, for float16 / int8 storage.</summary>
    public float[] Scratch { get; } = new float[dimension];
}
