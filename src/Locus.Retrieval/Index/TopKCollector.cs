namespace Locus.Retrieval.Index;

/// <summary>Keeps the <c>k</c> highest-scoring hits seen so far in a min-heap (the weakest kept hit at the root).</summary>
internal sealed class TopKCollector(int k)
{
    private readonly PriorityQueue<int, float> _heap = new(k + 1);

    /// <summary>Score a candidate must beat to enter, or -infinity while fewer than k are kept.</summary>
    public float Threshold => _heap.Count < k ? float.NegativeInfinity : _heap.TryPeek(out _, out var s) ? s : float.NegativeInfinity;

    /// <summary>Offers a hit; keeps it if it is among the best k so far.</summary>
    public void Offer(int id, float score)
    {
        if (_heap.Count < k) _heap.Enqueue(id, score);
        else if (score > Threshold) _heap.EnqueueDequeue(id, score);
    }

    /// <summary>The kept hits, best first (ties by lower id).</summary>
    public SearchHit[] ToSortedArray()
    {
        var hits = new SearchHit[_heap.Count];
        var i = 0;
        foreach (var (id, score) in _heap.UnorderedItems) hits[i++] = new SearchHit(id, score);
        Array.Sort(hits, static (a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : a.Id.CompareTo(b.Id));
        return hits;
    }
}
