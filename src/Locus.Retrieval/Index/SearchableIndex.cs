using Locus.Retrieval.Embeddings;
using Locus.Retrieval.Ingestion;
using Microsoft.Extensions.Logging;

namespace Locus.Retrieval.Index;

/// <summary>
/// An index folder opened for search: the vector index together with the sentence encoder it was built with
/// (rebuilt from its <see cref="EncoderSpec"/>), checked to agree. Disposing it releases both.
/// </summary>
public sealed class SearchableIndex : IDisposable
{
    private SearchableIndex(VectorIndex index, ISentenceEncoder encoder)
    {
        Index = index;
        Encoder = encoder;
    }

    /// <summary>The vectors and their metadata.</summary>
    public VectorIndex Index { get; }

    /// <summary>The encoder that produced the vectors; queries must be encoded with it.</summary>
    public ISentenceEncoder Encoder { get; }

    /// <summary>Opens <paramref name="directory"/>, a folder written by <c>locus corpus ingest</c>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="LocusException">It holds no index or encoder spec, its ingestion did not finish, or the encoder does not match the vectors.</exception>
    public static SearchableIndex Open(string directory, ILogger? logger = null)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"index directory not found: {directory}");
        var path = Path.Combine(directory, CorpusIngestor.IndexFileName);
        if (!File.Exists(path)) throw new LocusException($"{path}: no index file; build the index with 'locus corpus ingest'");
        IngestCheckpoint.EnsureComplete(directory);
        var spec = EncoderSpec.LoadRequired(directory);
        var index = VectorIndex.Open(path);
        var encoder = spec.Create(directory, fitSample: null, logger);
        if (encoder.ModelId == index.ModelId) return new SearchableIndex(index, encoder);
        var problem = $"{directory}: encoder '{encoder.ModelId}' does not match the index's '{index.ModelId}'";
        (encoder as IDisposable)?.Dispose();
        index.Dispose();
        throw new LocusException(problem);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        (Encoder as IDisposable)?.Dispose();
        Index.Dispose();
    }
}
