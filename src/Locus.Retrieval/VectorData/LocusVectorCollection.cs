using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Locus.Retrieval.Embeddings;
using Locus.Retrieval.Index;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace Locus.Retrieval.VectorData;

/// <summary>
/// The Locus <see cref="VectorIndex"/> behind the Microsoft.Extensions.VectorData collection API. Searches
/// accept a string (encoded with the collection's <see cref="ISentenceEncoder"/>), float[], ReadOnlyMemory&lt;float&gt;
/// or <see cref="Embedding{T}"/>. Upserts of an existing key replace the record (the old row becomes a
/// tombstone). Changes live in memory until <see cref="Save"/>. Thread-safe: reads share, writes exclude.
/// </summary>
public sealed class LocusVectorCollection : VectorStoreCollection<ulong, CorpusRecord>
{
    private readonly VectorIndex _index;
    private readonly ISentenceEncoder? _encoder;
    private readonly string? _path;
    private readonly ReaderWriterLockSlim _lock = new();

    /// <summary>Wraps <paramref name="index"/>; <paramref name="path"/> is where <see cref="Save"/> writes.</summary>
    public LocusVectorCollection(string name, VectorIndex index, ISentenceEncoder? encoder = null, string? path = null)
    {
        if (encoder is not null && encoder.ModelId != index.ModelId)
            throw new LocusException($"encoder '{encoder.ModelId}' does not match the index's model '{index.ModelId}'");
        Name = name;
        _index = index;
        _encoder = encoder;
        _path = path;
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <summary>Writes the index to the path given at construction.</summary>
    public void Save()
    {
        if (_path is null) throw new InvalidOperationException("the collection was created without a path");
        _lock.EnterWriteLock();
        try { _index.Save(_path); }
        finally { _lock.ExitWriteLock(); }
    }

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

    /// <inheritdoc />
    public override Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>Deletes every record (the collection itself is the index and stays usable).</summary>
    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default)
    {
        Write(() =>
        {
            for (var row = 0; row < _index.Count; row++) _index.Delete(row);
        });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task<CorpusRecord?> GetAsync(ulong key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(() => _index.RowOf(key) is { } row ? ToRecord(row, options?.IncludeVectors ?? false) : null));

    /// <summary>Scans records in key order of insertion; ordering options are not supported.</summary>
    public override async IAsyncEnumerable<CorpusRecord> GetAsync(
        Expression<Func<CorpusRecord, bool>> filter,
        int top,
        FilteredRecordRetrievalOptions<CorpusRecord>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        if (options?.OrderBy is not null) throw new NotSupportedException("LocusVectorCollection does not support OrderBy");
        var predicate = filter.Compile();
        var includeVectors = options?.IncludeVectors ?? false;
        var found = Read(() =>
        {
            var records = new List<CorpusRecord>(top);
            var skip = options?.Skip ?? 0;
            for (var row = 0; row < _index.Count && records.Count < top; row++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (_index.IsDeleted(row)) continue;
                var record = ToRecord(row, includeVectors);
                if (!predicate(record)) continue;
                if (skip > 0) skip--;
                else records.Add(record);
            }
            return records;
        });
        foreach (var record in found)
        {
            await Task.Yield();
            yield return record;
        }
    }

    /// <inheritdoc />
    public override Task DeleteAsync(ulong key, CancellationToken cancellationToken = default)
    {
        Write(() =>
        {
            if (_index.RowOf(key) is { } row) _index.Delete(row);
        });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task UpsertAsync(CorpusRecord record, CancellationToken cancellationToken = default) => UpsertAsync([record], cancellationToken);

    /// <summary>Adds or replaces records; records without an embedding are encoded from their text.</summary>
    public override async Task UpsertAsync(IEnumerable<CorpusRecord> records, CancellationToken cancellationToken = default)
    {
        var list = records.ToList();
        var toEncode = list.Where(r => r.Embedding is null).ToList();
        var encoded = toEncode.Count == 0 ? [] : await EncoderOrThrow().EncodeAsync(toEncode.Select(r => r.Text).ToArray(), cancellationToken).ConfigureAwait(false);
        var vectors = new float[list.Count][];
        for (int i = 0, e = 0; i < list.Count; i++)
            vectors[i] = list[i].Embedding is { } embedding ? embedding.ToArray() : encoded[e++];
        Write(() =>
        {
            foreach (var record in list)
                if (_index.RowOf(record.Key) is { } old) _index.Delete(old);
            _index.Add(vectors, list.Select(r => new VectorRecordMetadata(r.Key, r.Text, r.Source, r.Line)).ToArray(), cancellationToken);
        });
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<VectorSearchResult<CorpusRecord>> SearchAsync<TInput>(
        TInput searchValue,
        int top,
        VectorSearchOptions<CorpusRecord>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        var query = searchValue switch
        {
            string text => (await EncoderOrThrow().EncodeAsync([text], cancellationToken).ConfigureAwait(false))[0],
            float[] array => array,
            ReadOnlyMemory<float> memory => memory.ToArray(),
            Embedding<float> embedding => embedding.Vector.ToArray(),
            _ => throw new NotSupportedException($"search input of type {typeof(TInput).Name} is not supported (use string, float[], ReadOnlyMemory<float> or Embedding<float>)"),
        };
        var skip = options?.Skip ?? 0;
        var predicate = options?.Filter?.Compile();
        var includeVectors = options?.IncludeVectors ?? false;
        var threshold = options?.ScoreThreshold;
        var results = Read(() =>
        {
            // The filter decides which rows may be returned; the graph walk still passes through the others.
            var hits = predicate is null
                ? _index.Search(query, new IndexSearchOptions { K = top + skip })
                : FilteredSearch(query, top + skip, predicate);
            return hits.Skip(skip)
                .Where(h => threshold is null || h.Score >= threshold)
                .Select(h => new VectorSearchResult<CorpusRecord>(ToRecord(h.Row, includeVectors), h.Score))
                .ToList();
        });
        foreach (var result in results)
        {
            await Task.Yield();
            yield return result;
        }
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        if (serviceKey is not null) return null;
        if (serviceType == typeof(VectorStoreCollectionMetadata))
            return new VectorStoreCollectionMetadata { VectorStoreSystemName = "locus", CollectionName = Name };
        if (serviceType == typeof(VectorIndex)) return _index;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _lock.Dispose();
        base.Dispose(disposing);
    }

    private IReadOnlyList<IndexHit> FilteredSearch(float[] query, int k, Func<CorpusRecord, bool> predicate)
    {
        // Exact scan with the filter applied per row: correct for any selectivity, unlike post-filtering a top-k.
        var hits = ExactSearch.TopK(_index.Storage, query, k, row => !_index.IsDeleted(row) && predicate(ToRecord(row, false)));
        return hits.Select(h => new IndexHit(h.Id, h.Score, _index.GetMetadata(h.Id))).ToArray();
    }

    private CorpusRecord ToRecord(int row, bool includeVector)
    {
        var metadata = _index.GetMetadata(row);
        return new CorpusRecord
        {
            Key = metadata.Key,
            Text = metadata.Text,
            Source = metadata.Source,
            Line = metadata.Line,
            Embedding = includeVector ? _index.GetVector(row) : null,
        };
    }

    private ISentenceEncoder EncoderOrThrow() =>
        _encoder ?? throw new InvalidOperationException("this collection has no sentence encoder: pass vectors, or give an encoder to the constructor");

    private T Read<T>(Func<T> read)
    {
        _lock.EnterReadLock();
        try { return read(); }
        finally { _lock.ExitReadLock(); }
    }

    private void Write(Action write)
    {
        _lock.EnterWriteLock();
        try { write(); }
        finally { _lock.ExitWriteLock(); }
    }
}
