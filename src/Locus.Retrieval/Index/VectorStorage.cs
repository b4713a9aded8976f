using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Locus.Retrieval.Index;

/// <summary>
/// The encoded vectors of an index: a read-only block that may live in a memory-mapped file (what was loaded)
/// followed by rows appended in memory since (incremental add). Row ids are dense, 0..<see cref="Count"/>-1.
/// Reads are thread-safe; <see cref="Add"/> must not run concurrently with reads.
/// </summary>
public sealed unsafe class VectorStorage
{
    private const int RowsPerChunk = 4096;

    private readonly List<byte[]> _chunks = [];
    private byte* _mapped;
    private int _mappedCount;

    /// <summary>Creates empty in-memory storage.</summary>
    public VectorStorage(VectorCodec codec) => Codec = codec;

    /// <summary>The row layout.</summary>
    public VectorCodec Codec { get; }

    /// <summary>Number of rows.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Uses <paramref name="count"/> rows at <paramref name="rows"/> (inside a mapped file that outlives this
    /// storage) as the first rows.
    /// </summary>
    internal void AttachMapped(byte* rows, int count)
    {
        if (Count != 0) throw new InvalidOperationException("mapped rows must come first");
        _mapped = rows;
        _mappedCount = count;
        Count = count;
    }

    /// <summary>The encoded bytes of row <paramref name="id"/>.</summary>
    public ReadOnlySpan<byte> Row(int id)
    {
        var bytes = Codec.RowBytes;
        if (id < _mappedCount) return new ReadOnlySpan<byte>(_mapped + (long)id * bytes, bytes);
        var local = id - _mappedCount;
        return new ReadOnlySpan<byte>(_chunks[local / RowsPerChunk], local % RowsPerChunk * bytes, bytes);
    }

    /// <summary>
    /// The encoded bytes of rows <paramref name="start"/>.. that lie contiguously in memory, at most
    /// <paramref name="maxRows"/> and never past the end of the mapped block or of an in-memory chunk, so a scan
    /// reads the storage as a few long runs instead of one span per row. <paramref name="rows"/> receives the count.
    /// </summary>
    internal ReadOnlySpan<byte> Run(int start, int maxRows, out int rows)
    {
        var bytes = Codec.RowBytes;
        if (start < _mappedCount)
        {
            rows = Math.Min(maxRows, _mappedCount - start);
            return new ReadOnlySpan<byte>(_mapped + (long)start * bytes, rows * bytes);
        }
        var local = start - _mappedCount;
        var inChunk = local % RowsPerChunk;
        rows = Math.Min(maxRows, Math.Min(RowsPerChunk - inChunk, Count - start));
        return new ReadOnlySpan<byte>(_chunks[local / RowsPerChunk], inChunk * bytes, rows * bytes);
    }

    /// <summary>
    /// Asks the CPU to start loading the first cache lines of row <paramref name="id"/>; a graph walk issues this
    /// for all of a node's unvisited neighbours before scoring them, so their memory latency overlaps.
    /// </summary>
    internal void Prefetch(int id) => Prefetch(id, 128);

    /// <summary>
    /// Asks the CPU to start loading all of row <paramref name="id"/>. A graph walk issues this for the next
    /// neighbour while it scores the current one: a 384-d float row is 24 cache lines, and the hardware
    /// prefetcher only follows a row after its first misses, so without it most of each row arrives on demand.
    /// </summary>
    internal void PrefetchRow(int id) => Prefetch(id, Codec.RowBytes);

    private void Prefetch(int id, int bytes)
    {
        if (!Sse.IsSupported) return;
        // Only a hint: a managed chunk that moves before the load just makes it useless, never wrong.
        var row = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(Row(id)));
        for (var offset = 0; offset < bytes; offset += 64) Sse.Prefetch0(row + offset);
    }

    /// <summary>Appends one vector and returns its row id.</summary>
    public int Add(ReadOnlySpan<float> vector)
    {
        var local = Count - _mappedCount;
        if (local / RowsPerChunk == _chunks.Count) _chunks.Add(new byte[RowsPerChunk * Codec.RowBytes]);
        Codec.Encode(vector, _chunks[local / RowsPerChunk].AsSpan(local % RowsPerChunk * Codec.RowBytes, Codec.RowBytes));
        return Count++;
    }

    /// <summary>Dot product of row <paramref name="id"/> with <paramref name="query"/>; see <see cref="VectorCodec.Dot"/>.</summary>
    public float Dot(int id, ReadOnlySpan<float> query, Span<float> scratch) => Codec.Dot(Row(id), query, scratch);

    /// <summary>Dot product of rows <paramref name="a"/> and <paramref name="b"/>; <paramref name="scratch"/> holds a decoded row for compressed types.</summary>
    public float Dot(int a, int b, Span<float> scratch)
    {
        if (Codec.DataType == VectorDataType.Float32)
            return System.Numerics.Tensors.TensorPrimitives.Dot(MemoryMarshal.Cast<byte, float>(Row(a)), MemoryMarshal.Cast<byte, float>(Row(b)));
        Codec.Decode(Row(a), scratch);
        return Codec.Dot(Row(b), scratch, stackalloc float[Codec.Dimension]);
    }

    /// <summary>Decodes row <paramref name="id"/> into a new array.</summary>
    public float[] Get(int id)
    {
        var vector = new float[Codec.Dimension];
        Codec.Decode(Row(id), vector);
        return vector;
    }
}
