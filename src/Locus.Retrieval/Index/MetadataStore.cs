using System.Buffers.Binary;
using System.Text;

namespace Locus.Retrieval.Index;

/// <summary>
/// Per-row metadata: the records read lazily from a mapped file section, then records appended in memory.
/// Deletion marks (tombstones) and the key lookup are kept in memory for all rows.
/// </summary>
internal sealed unsafe class MetadataStore
{
    /// <summary>Fixed part of a record: key u64, flags u8, source index u32, line u64, text byte length u32.</summary>
    internal const int RecordHeaderBytes = 8 + 1 + 4 + 8 + 4;

    internal const byte DeletedFlag = 1;

    private readonly List<VectorRecordMetadata> _appended = [];
    private readonly List<bool> _deleted = [];
    private string[] _mappedSources = [];
    private MappedFile? _file;
    private long _sectionOffset;
    private long _offsetsOffset;
    private int _mappedCount;
    private Dictionary<ulong, int>? _rowByKey;

    public int Count => _mappedCount + _appended.Count;

    public int DeletedCount { get; private set; }

    /// <summary>The largest key stored, or -1 (as a signed value) when empty; ingestion continues from it.</summary>
    public long MaxKey { get; private set; } = -1;

    public bool IsDeleted(int row) => _deleted[row];

    /// <summary>
    /// Reads the section index of a mapped file: sources, the record offset table and each record's key and flags,
    /// checking every offset and length against the section, so a corrupt file fails here and not during a search.
    /// </summary>
    public void AttachMapped(MappedFile file, long sectionOffset, long sectionLength, int count)
    {
        _file = file;
        _sectionOffset = sectionOffset;
        var end = sectionOffset + sectionLength;
        var cursor = sectionOffset;
        var sourceCount = ReadInt32(file, ref cursor, end, "source count");
        if (sourceCount < 0 || sourceCount > count + 1) throw Corrupt($"source count {sourceCount} is impossible for {count} records");
        _mappedSources = new string[sourceCount];
        for (var i = 0; i < sourceCount; i++)
        {
            var length = ReadInt32(file, ref cursor, end, "source name length");
            _mappedSources[i] = ReadString(file, ref cursor, end, length, "source name");
        }
        _offsetsOffset = cursor;
        if (cursor + (long)count * 8 > end) throw Corrupt("record offset table runs past the metadata section");
        _mappedCount = count;
        for (var row = 0; row < count; row++)
        {
            var recordStart = RecordOffset(row);
            if (recordStart < cursor + (long)count * 8 || recordStart + RecordHeaderBytes > end) throw Corrupt($"record {row} starts outside the metadata section");
            var header = file.Span(recordStart, RecordHeaderBytes);
            var key = BinaryPrimitives.ReadUInt64LittleEndian(header);
            var source = BinaryPrimitives.ReadInt32LittleEndian(header[9..]);
            var textLength = BinaryPrimitives.ReadInt32LittleEndian(header[21..]);
            if (source < 0 || source >= sourceCount) throw Corrupt($"record {row} names source {source} of {sourceCount}");
            if (textLength < 0 || recordStart + RecordHeaderBytes + textLength > end) throw Corrupt($"record {row} text runs past the metadata section");
            TrackRow(key, (header[8] & DeletedFlag) != 0);
        }
    }

    public VectorRecordMetadata Get(int row)
    {
        if (row >= _mappedCount) return _appended[row - _mappedCount];
        var start = RecordOffset(row);
        var header = _file!.Span(start, RecordHeaderBytes);
        var textLength = BinaryPrimitives.ReadInt32LittleEndian(header[21..]);
        return new VectorRecordMetadata(
            BinaryPrimitives.ReadUInt64LittleEndian(header),
            Encoding.UTF8.GetString(_file.Span(start + RecordHeaderBytes, textLength)),
            _mappedSources[BinaryPrimitives.ReadInt32LittleEndian(header[9..])],
            BinaryPrimitives.ReadInt64LittleEndian(header[13..]));
    }

    public void Add(VectorRecordMetadata metadata)
    {
        _appended.Add(metadata);
        TrackRow(metadata.Key, false);
        _rowByKey?.Add(metadata.Key, Count - 1);
    }

    public void MarkDeleted(int row)
    {
        if (_deleted[row]) return;
        _deleted[row] = true;
        DeletedCount++;
        _rowByKey?.Remove(Get(row).Key);
    }

    /// <summary>Row of the live record with <paramref name="key"/>, built on first use (ingestion never needs it).</summary>
    public int? RowOf(ulong key)
    {
        if (_rowByKey is null)
        {
            _rowByKey = new Dictionary<ulong, int>(Count - DeletedCount);
            for (var row = 0; row < Count; row++)
                if (!_deleted[row]) _rowByKey[Get(row).Key] = row;
        }
        return _rowByKey.TryGetValue(key, out var found) ? found : null;
    }

    private void TrackRow(ulong key, bool deleted)
    {
        _deleted.Add(deleted);
        if (deleted) DeletedCount++;
        if ((long)key > MaxKey) MaxKey = (long)key;
    }

    private long RecordOffset(int row) =>
        _sectionOffset + BinaryPrimitives.ReadInt64LittleEndian(_file!.Span(_offsetsOffset + (long)row * 8, 8));

    private static int ReadInt32(MappedFile file, ref long cursor, long end, string what)
    {
        if (cursor + 4 > end) throw new LocusException($"{file.Path}: corrupt index: the metadata section ends inside the {what}");
        var value = BinaryPrimitives.ReadInt32LittleEndian(file.Span(cursor, 4));
        cursor += 4;
        return value;
    }

    private static string ReadString(MappedFile file, ref long cursor, long end, int length, string what)
    {
        if (length < 0 || cursor + length > end) throw new LocusException($"{file.Path}: corrupt index: the {what} runs past the metadata section");
        var value = Encoding.UTF8.GetString(file.Span(cursor, length));
        cursor += length;
        return value;
    }

    private LocusException Corrupt(string problem) => new($"{_file!.Path}: corrupt index: {problem}");
}
