using System.Text.Json;
using Locus.Data;
using Locus.Retrieval.Embeddings;
using Locus.Retrieval.Index;
using Locus.Retrieval.Ingestion;
using Locus.Synthesis;

namespace Locus.Specialization.Steps;

/// <summary>A corpus sentence found near a seed.</summary>
/// <param name="Text">The sentence.</param>
/// <param name="Score">Its best cosine similarity to any training seed.</param>
/// <param name="Seed">The id (or 1-based position) of the seed it is nearest to.</param>
/// <param name="Source">The corpus file it came from.</param>
/// <param name="Line">Its line in that file.</param>
public sealed record RetrievedSentence(string Text, float Score, string Seed, string Source, long Line);

/// <summary>
/// The retrieval stage: a sentence index over the unlabelled corpus (built in the run folder, or an existing one from
/// <c>locus corpus ingest</c>) and, for each training seed, its nearest corpus sentences.
/// </summary>
public sealed class CorpusRetrieval : ISimilarTextRetriever, IDisposable
{
    private readonly VectorIndex _index;
    private readonly ISentenceEncoder _encoder;

    private CorpusRetrieval(VectorIndex index, ISentenceEncoder encoder)
    {
        _index = index;
        _encoder = encoder;
    }

    /// <summary>Sentences in the index.</summary>
    public int Count => _index.LiveCount;

    /// <summary>Ingests <paramref name="corpus"/> into <paramref name="indexFolder"/> with the lexical encoder (resuming an interrupted ingestion).</summary>
    public static async Task<IngestProgress> IngestAsync(IReadOnlyList<string> corpus, string indexFolder, IProgress<IngestProgress>? progress,
        CancellationToken cancellationToken)
    {
        var files = CorpusReader.ExpandInputs(corpus);
        Directory.CreateDirectory(indexFolder);
        var spec = EncoderSpec.Load(indexFolder) ?? new EncoderSpec();
        var options = new CorpusIngestOptions();
        var reader = new CorpusReader(options.Format, options.TextField);
        var encoder = spec.Create(indexFolder, () => reader.ReadSentences(files, cancellationToken).Take(200_000));
        spec.Save(indexFolder);
        return await new CorpusIngestor(options).IngestAsync(files, indexFolder, encoder, progress, cancellationToken);
    }

    /// <summary>Opens an index folder with the encoder it was built with.</summary>
    /// <exception cref="LocusException">The folder holds no index, or its encoder does not match.</exception>
    public static CorpusRetrieval Open(string indexFolder)
    {
        var spec = EncoderSpec.Load(indexFolder)
            ?? throw new LocusException($"{Path.Combine(indexFolder, EncoderSpec.FileName)}: missing; build the index with 'locus corpus ingest' or pass --corpus");
        var path = Path.Combine(indexFolder, CorpusIngestor.IndexFileName);
        if (!File.Exists(path)) throw new LocusException($"{path}: no index file; build the index with 'locus corpus ingest' or pass --corpus");
        var index = VectorIndex.Open(path);
        var encoder = spec.Create(indexFolder, fitSample: null);
        if (encoder.ModelId != index.ModelId)
        {
            index.Dispose();
            throw new LocusException($"{indexFolder}: encoder '{encoder.ModelId}' does not match the index's '{index.ModelId}'");
        }
        return new CorpusRetrieval(index, encoder);
    }

    /// <summary>
    /// The nearest corpus sentences of every seed, merged (each sentence once, with its best score), best first.
    /// Sentences whose text is in <paramref name="excluded"/> (seeds, dev and test texts) are skipped so that nothing
    /// held out leaks into training.
    /// </summary>
    public async Task<IReadOnlyList<RetrievedSentence>> NeighboursAsync(IReadOnlyList<Example> seeds, int perSeed, IReadOnlySet<string> excluded,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSeed);
        var best = new Dictionary<string, RetrievedSentence>(StringComparer.Ordinal);
        var vectors = await _encoder.EncodeQueriesAsync(seeds.Select(s => s.Text).ToList(), cancellationToken);
        for (var i = 0; i < seeds.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var seedId = seeds[i].Id ?? (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var taken = 0;
            foreach (var hit in _index.Search(vectors[i], new IndexSearchOptions { K = Math.Min(_index.Count, perSeed * 2 + excluded.Count) }))
            {
                var key = TextKey.Of(hit.Metadata.Text);
                if (excluded.Contains(key)) continue;
                if (!best.TryGetValue(key, out var known) || known.Score < hit.Score)
                    best[key] = new RetrievedSentence(hit.Metadata.Text, hit.Score, seedId, hit.Metadata.Source, hit.Metadata.Line);
                if (++taken == perSeed) break;
            }
        }
        return best.Values.OrderByDescending(s => s.Score).ThenBy(s => s.Text, StringComparer.Ordinal).ToList();
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> RetrieveAsync(IReadOnlyList<string> queries, int k, CancellationToken cancellationToken)
    {
        var best = new Dictionary<string, (string Text, float Score)>(StringComparer.Ordinal);
        var vectors = await _encoder.EncodeQueriesAsync(queries, cancellationToken);
        foreach (var vector in vectors)
            foreach (var hit in _index.Search(vector, new IndexSearchOptions { K = Math.Min(_index.Count, k) }))
            {
                var key = TextKey.Of(hit.Metadata.Text);
                if (!best.TryGetValue(key, out var known) || known.Score < hit.Score) best[key] = (hit.Metadata.Text, hit.Score);
            }
        return best.Values.OrderByDescending(s => s.Score).Take(k).Select(s => s.Text).ToList();
    }

    /// <summary>Writes retrieved sentences as JSONL atomically.</summary>
    public static Task WriteAsync(string path, IEnumerable<RetrievedSentence> sentences, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(path, async writer =>
        {
            foreach (var sentence in sentences) await writer.WriteLineAsync(JsonSerializer.Serialize(sentence, Json).AsMemory(), cancellationToken);
        }, cancellationToken);

    /// <summary>Reads a file written by <see cref="WriteAsync"/>.</summary>
    public static async Task<IReadOnlyList<RetrievedSentence>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var sentences = new List<RetrievedSentence>();
        var line = 0;
        foreach (var text in await File.ReadAllLinesAsync(path, cancellationToken))
        {
            line++;
            if (text.Length == 0) continue;
            try
            {
                sentences.Add(JsonSerializer.Deserialize<RetrievedSentence>(text, Json) ?? throw new JsonException("null"));
            }
            catch (JsonException e)
            {
                throw new DataFormatException(path, line, null, $"not a retrieved sentence: {e.Message}");
            }
        }
        return sentences;
    }

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <inheritdoc/>
    public void Dispose() => _index.Dispose();
}
