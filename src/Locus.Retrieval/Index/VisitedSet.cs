namespace Locus.Retrieval.Index;

/// <summary>
/// Marks nodes visited during one graph search. Clearing is O(1): each search uses a new generation number
/// and a node counts as visited when its stamp equals the current generation.
/// </summary>
internal sealed class VisitedSet
{
    private int[] _stamps = [];
    private int _generation;

    /// <summary>Starts a new search over at least <paramref name="count"/> nodes.</summary>
    public void Reset(int count)
    {
        if (_stamps.Length < count) _stamps = new int[Math.Max(count, _stamps.Length * 2)];
        if (++_generation == int.MaxValue)
        {
            Array.Clear(_stamps);
            _generation = 1;
        }
    }

    /// <summary>Marks <paramref name="id"/>; returns false when it was already marked in this search.</summary>
    public bool TryVisit(int id)
    {
        if (_stamps[id] == _generation) return false;
        _stamps[id] = _generation;
        return true;
    }
}
