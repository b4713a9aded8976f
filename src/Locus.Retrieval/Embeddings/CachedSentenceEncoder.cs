using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Locus.Retrieval.Embeddings;

/// <summary>
/// Decorates an encoder with an on-disk cache keyed by model id and text hash, so re-ingesting a corpus or
/// repeating queries skips the (neural) forward pass. One append-only file per model id in the cache
/// directory: a header (magic "LOCUSEMC", u32 version, u32 dimension, u32 model-id length, model id) then
/// records of [16-byte SHA-256 prefix of the UTF-8 text, for queries of "\0query\0" + text][dimension × float32]. Appending never rewrites
/// existing records; a torn last record (a crash mid-write) is detected on open and cut off.
/// </summary>
public sealed class CachedSentenceEncoder : ISentenceEncoder, IDisposable
{
    private static ReadOnlySpan<byte> Magic => "LOCUSEMC"u8;

    private readonly ISentenceEncoder _inner;
    private readonly FileStream _file;
    private readonly Dictionary<UInt128, long> _offsets = [];
    private readonly int _recordBytes;
    private readonly Lock _lock = new();

    /// <summary>Opens (or creates) the cache of <paramref name="inner"/>'s model in <paramref name="directory"/>.</summary>
    public CachedSentenceEncoder(ISentenceEncoder inner, string directory, ILogger? logger = null)
    {
        _inner = inner;
        _recordBytes = 16 + inner.Dimension * sizeof(float);
        Directory.CreateDirectory(directory);
        var idHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(inner.ModelId)).AsSpan(0, 8));
        FilePath = Path.Combine(directory, $"{idHash}.embcache");
        _file = new FileStream(FilePath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            Load(logger ?? NullLogger.Instance);
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    /// <summary>The cache file of this model.</summary>
    public string FilePath { get; }

    /// <summary>Number of cached vectors.</summary>
    public int CachedCount => _offsets.Count;

    /// <summary>Texts served from the cache since creation.</summary>
    public long Hits { get; private set; }

    /// <summary>Texts passed to the inner encoder since creation.</summary>
    public long Misses { get; private set; }

    /// <inheritdoc />
    public string ModelId => _inner.ModelId;

    /// <inheritdoc />
    public int Dimension => _inner.Dimension;

    /// <inheritdoc />
    public Task<float[][]> EncodeAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        EncodeCachedAsync(texts, query: false, cancellationToken);

    /// <inheritdoc />
    public Task<float[][]> EncodeQueriesAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        EncodeCachedAsync(texts, query: true, cancellationToken);

    /// <summary>Closes the cache file.</summary>
    public void Dispose() => _file.Dispose();

    private async Task<float[][]> EncodeCachedAsync(IReadOnlyList<string> texts, bool query, CancellationToken cancellationToken)
    {
        var result = new float[texts.Count][];
        var keys = texts.Select(t => KeyOf(t, query)).ToArray();
        var missing = new List<int>();
        lock (_lock)
        {
            for (var i = 0; i < texts.Count; i++)
            {
                if (_offsets.TryGetValue(keys[i], out var offset)) result[i] = ReadVector(offset);
                else missing.Add(i);
            }
            Hits += texts.Count - missing.Count;
            Misses += missing.Count;
        }
        if (missing.Count == 0) return result;

        var missingTexts = missing.Select(i => texts[i]).ToArray();
        var encoded = await (query ? _inner.EncodeQueriesAsync(missingTexts, cancellationToken) : _inner.EncodeAsync(missingTexts, cancellationToken)).ConfigureAwait(false);
        lock (_lock)
        {
            _file.Seek(0, SeekOrigin.End);
            var record = new byte[_recordBytes];
            for (var j = 0; j < missing.Count; j++)
            {
                var i = missing[j];
                result[i] = encoded[j];
                if (_offsets.ContainsKey(keys[i])) continue;
                BinaryPrimitives.WriteUInt128LittleEndian(record, keys[i]);
                MemoryMarshal.AsBytes(encoded[j].AsSpan()).CopyTo(record.AsSpan(16));
                _offsets[keys[i]] = _file.Position + 16;
                _file.Write(record);
            }
            _file.Flush();
        }
        return result;
    }

    // A query may be encoded differently from the same text as a passage (its own prefix), so its key is salted
    // with a NUL-led marker that real text does not start with; passage keys stay the plain text hash.
    private static UInt128 KeyOf(string text, bool query) =>
        BinaryPrimitives.ReadUInt128LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(query ? "\0query\0" + text : text)));

    private float[] ReadVector(long offset)
    {
        var vector = new float[Dimension];
        RandomAccess.Read(_file.SafeFileHandle, MemoryMarshal.AsBytes(vector.AsSpan()), offset);
        return vector;
    }

    private void Load(ILogger logger)
    {
        var modelId = Encoding.UTF8.GetBytes(_inner.ModelId);
        var headerBytes = 20 + modelId.Length;
        if (_file.Length == 0)
        {
            var header = new byte[headerBytes];
            Magic.CopyTo(header);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), 1);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), Dimension);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), modelId.Length);
            modelId.CopyTo(header.AsSpan(20));
            _file.Write(header);
            _file.Flush();
            return;
        }

        var existing = new byte[Math.Min(_file.Length, headerBytes)];
        _file.ReadExactly(existing);
        if (existing.Length < headerBytes || !existing.AsSpan(0, 8).SequenceEqual(Magic)
            || BinaryPrimitives.ReadInt32LittleEndian(existing.AsSpan(12)) != Dimension
            || !existing.AsSpan(20).SequenceEqual(modelId))
            throw new LocusException($"{FilePath}: not an embedding cache of model '{_inner.ModelId}' (dimension {Dimension}); delete it or use another cache directory");

        var usable = (_file.Length - headerBytes) / _recordBytes * _recordBytes + headerBytes;
        if (usable != _file.Length)
        {
            logger.LogWarning("{File}: dropping a torn record of {Bytes} bytes at the end", FilePath, _file.Length - usable);
            _file.SetLength(usable);
        }
        Span<byte> key = stackalloc byte[16];
        for (var offset = (long)headerBytes; offset < usable; offset += _recordBytes)
        {
            RandomAccess.Read(_file.SafeFileHandle, key, offset);
            _offsets[BinaryPrimitives.ReadUInt128LittleEndian(key)] = offset + 16;
        }
    }
}
