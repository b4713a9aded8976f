using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Locus.Retrieval.Index;

/// <summary>
/// The on-disk format of a <see cref="VectorIndex"/> (version 1, little-endian). Layout:
/// <code>
/// offset size  field
///      0    8  magic "LOCUSVIX"
///      8    4  version (1)
///     12    4  dtype: 0 float32, 1 float16, 2 int8 (row = float scale + dimension sbytes)
///     16    4  dimension
///     20    4  model id byte length (UTF-8)
///     24    8  count (rows, deleted included)
///     32    8  vectors offset (64-byte aligned)
///     40    8  metadata offset        48  8  metadata length
///     56    8  graph offset           64  8  graph length (0 = no HNSW graph)
///     72    8  total file length (detects truncation)
///     80    8  FNV-1a 64 of bytes 0..79 and the model id (detects a damaged header)
///     88    8  reserved (0)
///     96    …  model id
/// vectors:  count × row bytes
/// metadata: u32 source count, per source (u32 length, UTF-8 name); u64 record offsets[count] (from the section
///           start); records: u64 key, u8 flags (1 = deleted), u32 source index, i64 line, u32 text length, UTF-8 text
/// graph:    u32 M, u32 ef_construction, u32 ef_search, u32 seed, u32 max level, i32 entry point, u8 level[count],
///           padding to 4; i32 layer-0 links[count × (2M+1)] ([n, ids…]); then, for each node with level &gt; 0 in
///           row order, for layers 1..level: i32 links[M+1]
/// </code>
/// Files are written to a temporary file beside the target and renamed over it, so readers never see half a file.
/// </summary>
public static class VectorIndexFile
{
    /// <summary>The first 8 bytes of every index file.</summary>
    public static ReadOnlySpan<byte> Magic => "LOCUSVIX"u8;

    /// <summary>Format version this code writes and reads.</summary>
    public const int Version = 1;

    internal const int HeaderBytes = 96;

    /// <summary>Writes <paramref name="index"/> to <paramref name="path"/> atomically (temp file + rename).</summary>
    internal static void Write(VectorIndex index, string path)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            var modelId = Encoding.UTF8.GetBytes(index.ModelId);
            var header = new byte[HeaderBytes];
            stream.Write(header);
            stream.Write(modelId);
            Pad(stream, 64);

            var vectorsOffset = stream.Position;
            for (var row = 0; row < index.Count; row++) stream.Write(index.Storage.Row(row));

            var metadataOffset = stream.Position;
            WriteMetadata(index, stream);
            var metadataLength = stream.Position - metadataOffset;
            Pad(stream, 8);

            var graphOffset = stream.Position;
            if (index.Graph is { } graph) WriteGraph(graph, index.Count, stream);
            var graphLength = stream.Position - graphOffset;

            var h = header.AsSpan();
            Magic.CopyTo(h);
            BinaryPrimitives.WriteInt32LittleEndian(h[8..], Version);
            BinaryPrimitives.WriteInt32LittleEndian(h[12..], (int)index.DataType);
            BinaryPrimitives.WriteInt32LittleEndian(h[16..], index.Dimension);
            BinaryPrimitives.WriteInt32LittleEndian(h[20..], modelId.Length);
            BinaryPrimitives.WriteInt64LittleEndian(h[24..], index.Count);
            BinaryPrimitives.WriteInt64LittleEndian(h[32..], vectorsOffset);
            BinaryPrimitives.WriteInt64LittleEndian(h[40..], metadataOffset);
            BinaryPrimitives.WriteInt64LittleEndian(h[48..], metadataLength);
            BinaryPrimitives.WriteInt64LittleEndian(h[56..], graphOffset);
            BinaryPrimitives.WriteInt64LittleEndian(h[64..], graphLength);
            BinaryPrimitives.WriteInt64LittleEndian(h[72..], stream.Length);
            BinaryPrimitives.WriteUInt64LittleEndian(h[80..], HeaderChecksum(h[..80], modelId));
            stream.Position = 0;
            stream.Write(header);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Maps <paramref name="path"/> and validates it; throws <see cref="LocusException"/> naming the file and the fault.</summary>
    internal static unsafe (MappedFile File, VectorStorage Storage, MetadataStore Metadata, string ModelId, HnswGraph? Graph) Read(string path, int? efSearch)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"index file not found: {path}", path);
        var file = new MappedFile(path);
        try
        {
            if (file.Length < HeaderBytes) throw Fail(path, $"truncated: {file.Length} bytes, shorter than the {HeaderBytes}-byte header");
            var h = file.Span(0, HeaderBytes);
            if (!h[..8].SequenceEqual(Magic)) throw Fail(path, "not a Locus vector index (bad magic bytes)");
            var version = BinaryPrimitives.ReadInt32LittleEndian(h[8..]);
            if (version != Version) throw Fail(path, $"format version {version} is not supported (this build reads version {Version})");
            var dataType = (VectorDataType)BinaryPrimitives.ReadInt32LittleEndian(h[12..]);
            var dimension = BinaryPrimitives.ReadInt32LittleEndian(h[16..]);
            var modelIdLength = BinaryPrimitives.ReadInt32LittleEndian(h[20..]);
            var count = BinaryPrimitives.ReadInt64LittleEndian(h[24..]);
            var vectorsOffset = BinaryPrimitives.ReadInt64LittleEndian(h[32..]);
            var metadataOffset = BinaryPrimitives.ReadInt64LittleEndian(h[40..]);
            var metadataLength = BinaryPrimitives.ReadInt64LittleEndian(h[48..]);
            var graphOffset = BinaryPrimitives.ReadInt64LittleEndian(h[56..]);
            var graphLength = BinaryPrimitives.ReadInt64LittleEndian(h[64..]);
            var declaredLength = BinaryPrimitives.ReadInt64LittleEndian(h[72..]);
            if (declaredLength != file.Length)
                throw Fail(path, file.Length < declaredLength
                    ? $"truncated: {file.Length} bytes on disk, the header says {declaredLength}"
                    : $"{file.Length} bytes on disk, the header says {declaredLength} (trailing data)");
            if (modelIdLength < 0 || HeaderBytes + (long)modelIdLength > file.Length) throw Fail(path, "model id length is out of range");
            var modelId = file.Span(HeaderBytes, modelIdLength);
            if (HeaderChecksum(h[..80], modelId) != BinaryPrimitives.ReadUInt64LittleEndian(h[80..])) throw Fail(path, "header checksum mismatch (the header is damaged)");
            if (!Enum.IsDefined(dataType)) throw Fail(path, $"unknown dtype {(int)dataType}");
            if (dimension <= 0) throw Fail(path, $"dimension {dimension} is not positive");
            if (count < 0 || count > int.MaxValue) throw Fail(path, $"row count {count} is out of range");

            var codec = new VectorCodec(dataType, dimension);
            CheckSection(path, file.Length, "vectors", vectorsOffset, count * codec.RowBytes);
            CheckSection(path, file.Length, "metadata", metadataOffset, metadataLength);
            CheckSection(path, file.Length, "graph", graphOffset, graphLength);

            var storage = new VectorStorage(codec);
            storage.AttachMapped(file.Pointer + vectorsOffset, (int)count);
            var metadata = new MetadataStore();
            metadata.AttachMapped(file, metadataOffset, metadataLength, (int)count);
            var graph = graphLength == 0 ? null : ReadGraph(file, graphOffset, graphLength, (int)count, storage, efSearch);
            return (file, storage, metadata, Encoding.UTF8.GetString(modelId), graph);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static void WriteMetadata(VectorIndex index, Stream stream)
    {
        var sources = new Dictionary<string, int>(StringComparer.Ordinal);
        var records = new List<VectorRecordMetadata>(index.Count);
        for (var row = 0; row < index.Count; row++)
        {
            var record = index.GetMetadata(row);
            records.Add(record);
            sources.TryAdd(record.Source, sources.Count);
        }
        var start = stream.Position;
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(sources.Count);
        foreach (var source in sources.Keys)
        {
            var bytes = Encoding.UTF8.GetBytes(source);
            writer.Write(bytes.Length);
            writer.Write(bytes);
        }
        var offsetTable = stream.Position;
        var offset = offsetTable - start + (long)records.Count * 8;
        foreach (var record in records)
        {
            writer.Write(offset);
            offset += MetadataStore.RecordHeaderBytes + Encoding.UTF8.GetByteCount(record.Text);
        }
        for (var row = 0; row < records.Count; row++)
        {
            var record = records[row];
            var text = Encoding.UTF8.GetBytes(record.Text);
            writer.Write(record.Key);
            writer.Write(index.IsDeleted(row) ? MetadataStore.DeletedFlag : (byte)0);
            writer.Write(sources[record.Source]);
            writer.Write(record.Line);
            writer.Write(text.Length);
            writer.Write(text);
        }
    }

    private static void WriteGraph(HnswGraph graph, int count, Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(graph.M);
        writer.Write(graph.Options.EfConstruction);
        writer.Write(graph.Options.EfSearch);
        writer.Write(graph.Options.Seed);
        writer.Write(graph.MaxLevel);
        writer.Write(graph.EntryPoint);
        for (var row = 0; row < count; row++) writer.Write((byte)graph.LevelOf(row));
        writer.Flush();
        Pad(stream, 4);
        stream.Write(MemoryMarshal.AsBytes(graph.Level0Links));
        for (var row = 0; row < count; row++)
            foreach (var layer in graph.UpperLinks(row)) stream.Write(MemoryMarshal.AsBytes(layer.AsSpan()));
    }

    private static HnswGraph ReadGraph(MappedFile file, long offset, long length, int count, VectorStorage storage, int? efSearch)
    {
        var path = file.Path;
        var end = offset + length;
        if (length < 24 + count) throw Fail(path, "graph section is shorter than its fixed fields");
        var fields = file.Span(offset, 24);
        var options = new HnswOptions
        {
            M = BinaryPrimitives.ReadInt32LittleEndian(fields),
            EfConstruction = BinaryPrimitives.ReadInt32LittleEndian(fields[4..]),
            EfSearch = efSearch ?? BinaryPrimitives.ReadInt32LittleEndian(fields[8..]),
            Seed = BinaryPrimitives.ReadInt32LittleEndian(fields[12..]),
        };
        var maxLevel = BinaryPrimitives.ReadInt32LittleEndian(fields[16..]);
        var entryPoint = BinaryPrimitives.ReadInt32LittleEndian(fields[20..]);
        if (options.M < 2 || options.M > 256 || options.EfConstruction < 1 || options.EfSearch < 1) throw Fail(path, "graph parameters are out of range");
        if (count > 0 && (entryPoint < 0 || entryPoint >= count)) throw Fail(path, $"graph entry point {entryPoint} is not a row");

        var levels = file.Span(offset + 24, count).ToArray();
        var cursor = offset + 24 + count;
        cursor = (cursor + 3) / 4 * 4;
        var level0Width = 2 * options.M + 1;
        var level0 = ReadInts(file, ref cursor, end, (long)count * level0Width, "layer-0 links");
        var upper = new int[]?[count][];
        for (var row = 0; row < count; row++)
        {
            if (levels[row] > maxLevel) throw Fail(path, $"graph: row {row} has level {levels[row]} above the top level {maxLevel}");
            CheckLinks(path, level0, row * level0Width, 2 * options.M, count, row, 0);
            upper[row] = new int[levels[row]][];
            for (var layer = 1; layer <= levels[row]; layer++)
            {
                var links = ReadInts(file, ref cursor, end, options.M + 1, "upper-layer links");
                CheckLinks(path, links, 0, options.M, count, row, layer);
                upper[row][layer - 1] = links;
            }
        }
        if (cursor != end) throw Fail(path, "graph section length does not match its contents");
        return HnswGraph.Restore(storage, options, levels, level0, upper, count == 0 ? -1 : entryPoint, maxLevel);
    }

    private static void CheckLinks(string path, int[] array, int start, int capacity, int count, int row, int layer)
    {
        var n = array[start];
        if (n < 0 || n > capacity) throw Fail(path, $"graph: row {row} has {n} links on layer {layer} (at most {capacity})");
        for (var i = 1; i <= n; i++)
            if ((uint)array[start + i] >= (uint)count) throw Fail(path, $"graph: row {row} links to {array[start + i]}, not a row");
    }

    private static unsafe int[] ReadInts(MappedFile file, ref long cursor, long end, long count, string what)
    {
        if (cursor + count * 4 > end) throw Fail(file.Path, $"graph section ends inside the {what}");
        var values = new int[count];
        fixed (int* destination = values) Buffer.MemoryCopy(file.Pointer + cursor, destination, count * 4, count * 4);
        cursor += count * 4;
        return values;
    }

    private static void CheckSection(string path, long fileLength, string name, long offset, long length)
    {
        if (offset < HeaderBytes || length < 0 || offset + length > fileLength)
            throw Fail(path, $"the {name} section (offset {offset}, {length} bytes) lies outside the {fileLength}-byte file");
    }

    private static ulong HeaderChecksum(ReadOnlySpan<byte> header, ReadOnlySpan<byte> modelId)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var b in header) hash = (hash ^ b) * 0x100000001B3UL;
        foreach (var b in modelId) hash = (hash ^ b) * 0x100000001B3UL;
        return hash;
    }

    private static void Pad(Stream stream, int alignment)
    {
        var remainder = (int)(stream.Position % alignment);
        if (remainder != 0) stream.Write(new byte[alignment - remainder]);
    }

    private static LocusException Fail(string path, string problem) => new($"{path}: corrupt index: {problem}");
}
