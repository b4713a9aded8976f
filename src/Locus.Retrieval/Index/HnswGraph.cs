namespace Locus.Retrieval.Index;

/// <summary>
/// Hierarchical navigable small-world graph over the rows of a <see cref="VectorStorage"/>, similarity = dot
/// product of unit vectors. Insertion follows Malkov &amp; Yashunin (2018), algorithms 1, 2 and 4 (the neighbour
/// selection heuristic, which keeps links spread in different directions). Batches insert in parallel: each
/// node's link lists are guarded by a striped lock. Searches may run concurrently with each other, not with
/// <see cref="AddRange"/>, so they read links without locks; each thread keeps its own heaps and visited stamps.
/// Recall on uniform random vectors matches a textbook single-threaded implementation (see HnswRecallTests);
/// such data is the worst case for any graph index, and recall there falls with dimension and row count.
/// </summary>
public sealed class HnswGraph
{
    private const int LockStripes = 4096;

    private readonly VectorStorage _storage;
    private readonly object[] _locks = Enumerable.Range(0, LockStripes).Select(_ => new object()).ToArray();
    private readonly object _entryLock = new();
    private readonly double _levelMultiplier;
    private readonly ThreadLocal<HnswSearchContext> _contexts;

    // Layer 0: for node i, slot i*(M0+1) holds the link count and the next M0 slots the links.
    private int[] _level0;
    // Upper layers: _upper[i][l-1] = [count, links...] (M+1 ints) for l = 1..level(i); null for level-0 nodes.
    private int[]?[][] _upper;
    private byte[] _levels;

    /// <summary>Creates an empty graph over <paramref name="storage"/>.</summary>
    public HnswGraph(VectorStorage storage, HnswOptions options)
    {
        options.Validate();
        _storage = storage;
        Options = options;
        M = options.M;
        MaxLevel0Links = 2 * options.M;
        _levelMultiplier = 1.0 / Math.Log(options.M);
        _contexts = new(() => new HnswSearchContext(MaxLevel0Links, storage.Codec.Dimension));
        _level0 = [];
        _upper = [];
        _levels = [];
    }

    /// <summary>Parameters (EfSearch may be changed between queries).</summary>
    public HnswOptions Options { get; }

    /// <summary>Links per node on upper layers.</summary>
    public int M { get; }

    /// <summary>Links per node on layer 0 (2·M).</summary>
    public int MaxLevel0Links { get; }

    /// <summary>Number of nodes inserted.</summary>
    public int Count { get; private set; }

    /// <summary>Node where every search starts, -1 when empty.</summary>
    public int EntryPoint { get; private set; } = -1;

    /// <summary>Top layer of the graph (the entry point's level).</summary>
    public int MaxLevel { get; private set; }

    /// <summary>Layer count - 1 of node <paramref name="id"/>.</summary>
    public int LevelOf(int id) => _levels[id];

    /// <summary>Links of <paramref name="id"/> on <paramref name="layer"/> (a copy).</summary>
    public int[] Neighbours(int id, int layer)
    {
        lock (_locks[id % LockStripes])
        {
            var (array, start) = LinkSlot(id, layer);
            return array.AsSpan(start + 1, array[start]).ToArray();
        }
    }

    /// <summary>Inserts rows <c>Count..<paramref name="end"/>-1</c> of the storage.</summary>
    public void AddRange(int end, CancellationToken cancellationToken = default)
    {
        var start = Count;
        if (end <= start) return;
        if (end > _storage.Count) throw new ArgumentOutOfRangeException(nameof(end), "rows must be stored before they are linked");
        Grow(end);
        var first = start;
        if (EntryPoint < 0)
        {
            InsertFirst(start);
            first++;
        }
        if (Options.MaxDegreeOfParallelism == 1)
        {
            // Row order, one at a time: the graph depends only on the vectors and the seed.
            for (var row = first; row < end; row++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Insert(row);
            }
        }
        else
        {
            Parallel.For(first, end, new ParallelOptions { MaxDegreeOfParallelism = Options.MaxDegreeOfParallelism, CancellationToken = cancellationToken }, Insert);
        }
        Count = end;
    }

    /// <summary>
    /// The <paramref name="k"/> approximate nearest rows, best first. <paramref name="include"/> filters rows out
    /// of the results (they are still walked through, so deleted rows do not cut the graph).
    /// </summary>
    public SearchHit[] Search(ReadOnlySpan<float> query, int k, int? efSearch = null, Func<int, bool>? include = null)
    {
        if (EntryPoint < 0) return [];
        var context = _contexts.Value!;
        var current = EntryPoint;
        var currentScore = _storage.Dot(current, query, context.Scratch);
        for (var layer = MaxLevel; layer > 0; layer--) (current, currentScore) = Greedy(query, current, currentScore, layer, context, locked: false);
        var ef = Math.Max(efSearch ?? Options.EfSearch, k);
        SearchLayer(query, current, currentScore, ef, 0, context, include, locked: false);
        var found = context.Results.DrainDescending();
        return found.Length > k ? found[..k] : found;
    }

    /// <summary>Restores a graph that was saved with its link arrays (see <see cref="VectorIndexFile"/>).</summary>
    internal static HnswGraph Restore(VectorStorage storage, HnswOptions options, byte[] levels, int[] level0, int[]?[][] upper, int entryPoint, int maxLevel)
    {
        var graph = new HnswGraph(storage, options)
        {
            _levels = levels,
            _level0 = level0,
            _upper = upper,
            EntryPoint = entryPoint,
            MaxLevel = maxLevel,
            Count = levels.Length,
        };
        return graph;
    }

    /// <summary>Layer-0 link block of all nodes, for the writer.</summary>
    internal ReadOnlySpan<int> Level0Links => _level0.AsSpan(0, Count * (MaxLevel0Links + 1));

    /// <summary>Upper-layer link blocks of node <paramref name="id"/>, for the writer.</summary>
    internal int[]?[] UpperLinks(int id) => _upper[id];

    private void Grow(int capacity)
    {
        if (_levels.Length >= capacity) return;
        var newCapacity = Math.Max(capacity, _levels.Length + _levels.Length / 2);
        Array.Resize(ref _levels, newCapacity);
        Array.Resize(ref _upper, newCapacity);
        Array.Resize(ref _level0, newCapacity * (MaxLevel0Links + 1));
    }

    private int RandomLevel(int id)
    {
        // A per-node hash instead of a shared Random keeps levels reproducible under parallel insertion.
        var hash = (ulong)(uint)id * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)Options.Seed * 0xC2B2AE3D27D4EB4FUL;
        hash ^= hash >> 31; hash *= 0xBF58476D1CE4E5B9UL; hash ^= hash >> 27;
        var uniform = ((hash >> 11) + 1) * (1.0 / (1UL << 53));
        return Math.Min((int)(-Math.Log(uniform) * _levelMultiplier), 30);
    }

    private void Allocate(int id, int level)
    {
        _levels[id] = (byte)level;
        _level0[id * (MaxLevel0Links + 1)] = 0;
        var upper = new int[]?[level];
        for (var l = 0; l < level; l++) upper[l] = new int[M + 1];
        Volatile.Write(ref _upper[id], upper);
    }

    private void InsertFirst(int id)
    {
        var level = RandomLevel(id);
        Allocate(id, level);
        EntryPoint = id;
        MaxLevel = level;
    }

    private (int[] Array, int Start) LinkSlot(int id, int layer) =>
        layer == 0 ? (_level0, id * (MaxLevel0Links + 1)) : (_upper[id][layer - 1]!, 0);

    private void Insert(int id)
    {
        var level = RandomLevel(id);
        Allocate(id, level);
        var query = _storage.Get(id);
        var context = _contexts.Value!;

        int entry, top;
        lock (_entryLock) (entry, top) = (EntryPoint, MaxLevel);
        var current = entry;
        var currentScore = _storage.Dot(current, query, context.Scratch);
        for (var layer = top; layer > level; layer--) (current, currentScore) = Greedy(query, current, currentScore, layer, context, locked: true);

        for (var layer = Math.Min(level, top); layer >= 0; layer--)
        {
            SearchLayer(query, current, currentScore, Options.EfConstruction, layer, context, null, locked: true);
            // A concurrent insert may already have linked this node, so it can meet itself.
            var candidates = Array.FindAll(context.Results.DrainDescending(), c => c.Id != id);
            if (candidates.Length == 0) continue;
            var chosen = SelectNeighbours(candidates, M, context.Scratch);
            lock (_locks[id % LockStripes])
            {
                var (array, start) = LinkSlot(id, layer);
                array[start] = chosen.Count;
                for (var i = 0; i < chosen.Count; i++) array[start + 1 + i] = chosen[i].Id;
            }
            foreach (var neighbour in chosen) Link(neighbour.Id, id, neighbour.Score, layer, context.Scratch);
            (current, currentScore) = (candidates[0].Id, candidates[0].Score);
        }

        if (level > top)
            lock (_entryLock)
                if (level > MaxLevel) (EntryPoint, MaxLevel) = (id, level);
    }

    /// <summary>Adds <paramref name="newcomer"/> to <paramref name="node"/>'s links, pruning with the heuristic when full.</summary>
    private void Link(int node, int newcomer, float score, int layer, Span<float> scratch)
    {
        var capacity = layer == 0 ? MaxLevel0Links : M;
        lock (_locks[node % LockStripes])
        {
            var (array, start) = LinkSlot(node, layer);
            var count = array[start];
            if (count < capacity)
            {
                array[start + 1 + count] = newcomer;
                array[start] = count + 1;
                return;
            }
            var pool = new List<SearchHit>(count + 1) { new(newcomer, score) };
            for (var i = 0; i < count; i++)
            {
                var other = array[start + 1 + i];
                pool.Add(new SearchHit(other, _storage.Dot(node, other, scratch)));
            }
            pool.Sort(static (a, b) => b.Score.CompareTo(a.Score));
            var kept = SelectNeighbours(pool, capacity, scratch);
            array[start] = kept.Count;
            for (var i = 0; i < kept.Count; i++) array[start + 1 + i] = kept[i].Id;
        }
    }

    /// <summary>
    /// Algorithm 4: walk candidates from closest; keep one only if it is closer to the base than to every kept
    /// neighbour, so links do not all point into the same cluster.
    /// </summary>
    private List<SearchHit> SelectNeighbours(IReadOnlyList<SearchHit> candidatesBestFirst, int max, Span<float> scratch)
    {
        var kept = new List<SearchHit>(max);
        foreach (var candidate in candidatesBestFirst)
        {
            if (kept.Count == max) break;
            var diverse = true;
            foreach (var other in kept)
            {
                if (_storage.Dot(candidate.Id, other.Id, scratch) > candidate.Score)
                {
                    diverse = false;
                    break;
                }
            }
            if (diverse) kept.Add(candidate);
        }
        return kept;
    }

    private (int Id, float Score) Greedy(ReadOnlySpan<float> query, int current, float currentScore, int layer, HnswSearchContext context, bool locked)
    {
        var links = context.Links;
        for (var improved = true; improved;)
        {
            improved = false;
            var count = CopyLinks(current, layer, links, locked);
            for (var i = 0; i < count; i++)
            {
                var score = _storage.Dot(links[i], query, context.Scratch);
                if (score > currentScore) (current, currentScore, improved) = (links[i], score, true);
            }
        }
        return (current, currentScore);
    }

    /// <summary>
    /// Algorithm 2: best-first search keeping the <paramref name="ef"/> most similar nodes found; they are left in
    /// <c>context.Results</c>. <paramref name="locked"/> reads link lists under their lock (needed while inserts run).
    /// </summary>
    private void SearchLayer(ReadOnlySpan<float> query, int entry, float entryScore, int ef, int layer, HnswSearchContext context, Func<int, bool>? include, bool locked)
    {
        var visited = context.Visited;
        var candidates = context.Candidates;
        var results = context.Results;
        var links = context.Links;
        visited.Reset(_levels.Length);
        candidates.Clear();
        results.Clear();
        visited.TryVisit(entry);
        candidates.Push(entry, -entryScore);
        if (include is null || include(entry)) results.Push(entry, entryScore);

        while (candidates.Count > 0)
        {
            var (node, negativeScore) = candidates.Pop();
            if (results.Count == ef && -negativeScore < results.MinScore) break;
            var count = CopyLinks(node, layer, links, locked);
            var fresh = 0;
            for (var i = 0; i < count; i++)
            {
                if (!visited.TryVisit(links[i])) continue;
                links[fresh++] = links[i];
                _storage.Prefetch(links[i]);
            }
            for (var i = 0; i < fresh; i++)
            {
                var next = links[i];
                if (i + 1 < fresh) _storage.PrefetchRow(links[i + 1]);
                var score = _storage.Dot(next, query, context.Scratch);
                var full = results.Count == ef;
                // Filtered-out nodes still guide the walk but never enter the results.
                if (full && score <= results.MinScore && include is null) continue;
                candidates.Push(next, -score);
                if (include is not null && !include(next)) continue;
                if (!full) results.Push(next, score);
                else if (score > results.MinScore) results.ReplaceMin(next, score);
            }
        }
    }

    private int CopyLinks(int id, int layer, Span<int> destination, bool locked)
    {
        if (!locked) return CopyLinksUnlocked(id, layer, destination);
        lock (_locks[id % LockStripes]) return CopyLinksUnlocked(id, layer, destination);
    }

    private int CopyLinksUnlocked(int id, int layer, Span<int> destination)
    {
        var (array, start) = LinkSlot(id, layer);
        var count = array[start];
        array.AsSpan(start + 1, count).CopyTo(destination);
        return count;
    }
}
