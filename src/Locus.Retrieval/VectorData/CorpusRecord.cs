using Microsoft.Extensions.VectorData;

namespace Locus.Retrieval.VectorData;

/// <summary>
/// A retrieved sentence as a Microsoft.Extensions.VectorData record, so the pipeline can work against
/// <see cref="VectorStoreCollection{TKey, TRecord}"/> and a user can swap the built-in index for an external
/// vector database connector. Connectors that need the vector length take <see cref="CreateDefinition"/>.
/// </summary>
public sealed class CorpusRecord
{
    /// <summary>Record key (ingestion numbers sentences from 0).</summary>
    [VectorStoreKey]
    public ulong Key { get; set; }

    /// <summary>The sentence.</summary>
    [VectorStoreData]
    public string Text { get; set; } = "";

    /// <summary>File the sentence came from.</summary>
    [VectorStoreData(IsIndexed = true)]
    public string Source { get; set; } = "";

    /// <summary>1-based line in <see cref="Source"/>.</summary>
    [VectorStoreData]
    public long Line { get; set; }

    /// <summary>Unit-length sentence embedding; null when not requested, or on upsert to have the collection encode <see cref="Text"/>.</summary>
    [VectorStoreVector(512, DistanceFunction = DistanceFunction.CosineSimilarity, IndexKind = IndexKind.Hnsw)]
    public ReadOnlyMemory<float>? Embedding { get; set; }

    /// <summary>The record schema with the real vector length (the attribute's 512 is the lexical default).</summary>
    public static VectorStoreCollectionDefinition CreateDefinition(int dimension) => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty(nameof(Key), typeof(ulong)),
            new VectorStoreDataProperty(nameof(Text), typeof(string)),
            new VectorStoreDataProperty(nameof(Source), typeof(string)) { IsIndexed = true },
            new VectorStoreDataProperty(nameof(Line), typeof(long)),
            new VectorStoreVectorProperty(nameof(Embedding), typeof(ReadOnlyMemory<float>?), dimension)
            {
                DistanceFunction = DistanceFunction.CosineSimilarity,
                IndexKind = IndexKind.Hnsw,
            },
        ],
    };
}
