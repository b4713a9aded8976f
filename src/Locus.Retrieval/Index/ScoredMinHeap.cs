namespace Locus.Retrieval.Index;

/// <summary>
/// Binary min-heap of (score, id) pairs on arrays that are kept between searches, so a graph walk does not
/// allocate per hop. The root is the lowest score. Used as the result list (root = weakest kept hit) and, with
/// negated scores, as the candidate queue (root = most similar unexpanded node).
/// </summary>
internal sealed class ScoredMinHeap
{
    private float[] _scores = new float[64];
    private int[] _ids = new int[64];

    /// <summary>Number of entries.</summary>
    public int Count { get; private set; }

    /// <summary>Lowest score; only valid when <see cref="Count"/> &gt; 0.</summary>
    public float MinScore => _scores[0];

    /// <summary>Empties the heap, keeping its arrays.</summary>
    public void Clear() => Count = 0;

    /// <summary>Adds an entry.</summary>
    public void Push(int id, float score)
    {
        if (Count == _scores.Length)
        {
            Array.Resize(ref _scores, Count * 2);
            Array.Resize(ref _ids, Count * 2);
        }
        var i = Count++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (_scores[parent] <= score) break;
            _scores[i] = _scores[parent];
            _ids[i] = _ids[parent];
            i = parent;
        }
        _scores[i] = score;
        _ids[i] = id;
    }

    /// <summary>Keeps the entry if fewer than <paramref name="capacity"/> are held or it beats the lowest score (a bounded top-k).</summary>
    public void Offer(int id, float score, int capacity)
    {
        if (Count < capacity) Push(id, score);
        else if (score > _scores[0]) ReplaceMin(id, score);
    }

    /// <summary>Removes the lowest-scoring entry.</summary>
    public (int Id, float Score) Pop()
    {
        var top = (_ids[0], _scores[0]);
        var last = --Count;
        if (last > 0) SiftDown(_ids[last], _scores[last], last);
        return top;
    }

    /// <summary>Replaces the lowest-scoring entry with a new one (a pop and a push in one sift).</summary>
    public void ReplaceMin(int id, float score) => SiftDown(id, score, Count);

    /// <summary>The entries in heap order (not sorted).</summary>
    public IEnumerable<SearchHit> Items()
    {
        for (var i = 0; i < Count; i++) yield return new SearchHit(_ids[i], _scores[i]);
    }

    /// <summary>Empties the heap into a new array, highest score first.</summary>
    public SearchHit[] DrainDescending()
    {
        var hits = new SearchHit[Count];
        for (var i = hits.Length - 1; i >= 0; i--)
        {
            var (id, score) = Pop();
            hits[i] = new SearchHit(id, score);
        }
        return hits;
    }

    private void SiftDown(int id, float score, int count)
    {
        var i = 0;
        while (true)
        {
            var child = 2 * i + 1;
            if (child >= count) break;
            if (child + 1 < count && _scores[child + 1] < _scores[child]) child++;
            if (_scores[child] >= score) break;
            _scores[i] = _scores[child];
            _ids[i] = _ids[child];
            i = child;
        }
        _scores[i] = score;
        _ids[i] = id;
    }
}
