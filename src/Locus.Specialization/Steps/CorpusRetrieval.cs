using System.Globalization;
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
    private readonly SearchableIndex _searchable;

    private CorpusRetrieval(SearchableIndex searchable) => _searchable = searchable;

    /// <summary>Sentences in the index.</summary>
    public int Count => _searchable.Index.LiveCount;

    /// <summary>
    /// Ingests <paramref name="corpus"/> into <paramref name="indexFolder"/> with <paramref name="encoder"/> (resuming an
    /// interrupted ingestion; a folder begun with another encoder is an error).
    /// </summary>
    public static async Task<IngestProgress> IngestAsync(IReadOnlyList<string> corpus, string indexFolder, EncoderSpec encoder, IProgress<IngestProgress>? progress,
        CancellationToken cancellationToken)
    {
        var files = CorpusReader.ExpandInputs(corpus);
        Directory.CreateDirectory(indexFolder);
        var spec = EncoderSpec.Load(indexFolder) ?? encoder;
        if (spec.Describe() != encoder.Describe())
            throw new LocusException($"{indexFolder}: the index was begun with {spec.Describe()}, not {encoder.Describe()}");
        var options = new CorpusIngestOptions();
        var reader = new CorpusReader(options.Format, options.TextField);
        var sentenceEncoder = spec.Create(indexFolder, () => reader.ReadSentences(files, cancellationToken).Take(200_000));
        using var owned = sentenceEncoder as IDisposable;
        spec.Save(indexFolder);
        return await new CorpusIngestor(options).IngestAsync(files, indexFolder, sentenceEncoder, progress, cancellationToken);
    }

    /// <summary>Opens an index folder with the encoder it was built with.</summary>
    /// <exception cref="LocusException">The folder holds no index, or its encoder does not match.</exception>
    public static CorpusRetrieval Open(string indexFolder) => new(SearchableIndex.Open(indexFolder));

    /// <summary>
    /// The nearest corpus sentences of every seed, merged (each sentence once, with its best score), best first.
    /// Sentences whose text is in <paramref name="excluded"/> (seeds, dev and test texts) are skipped so that nothing
    /// held out leaks into training.
    /// </summary>
    public async Task<IReadOnlyList<RetrievedSentence>> NeighboursAsync(IReadOnlyList<Example> seeds, int perSeed, IReadOnlySet<string> excluded,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSeed);
        var hits = await SearchAsync(seeds.Select(s => s.Text).ToList(), perSeed, excluded, cancellationToken);
        return hits.Select(h => new RetrievedSentence(h.Hit.Metadata.Text, h.Hit.Score, seeds[h.Query].Id ?? (h.Query + 1).ToString(CultureInfo.InvariantCulture),
            h.Hit.Metadata.Source, h.Hit.Metadata.Line)).ToList();
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> RetrieveAsync(IReadOnlyList<string> queries, int k, CancellationToken cancellationToken) =>
        (await SearchAsync(queries, k, new HashSet<string>(), cancellationToken)).Take(k).Select(h => h.Hit.Metadata.Text).ToList();

    /// <summary>
    /// The <paramref name="perQuery"/> nearest sentences of each query, skipping excluded texts, merged so that each
    /// sentence appears once with its best score (and the query that gave it), best first.
    /// </summary>
    private async Task<IReadOnlyList<(IndexHit Hit, int Query)>> SearchAsync(IReadOnlyList<string> queries, int perQuery, IReadOnlySet<string> excluded,
        CancellationToken cancellationToken)
    {
        var index = _searchable.Index;
        var best = new Dictionary<string, (IndexHit Hit, int Query)>(StringComparer.Ordinal);
        var vectors = await _searchable.Encoder.EncodeQueriesAsync(queries, cancellationToken);
        for (var q = 0; q < vectors.Length; q++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var taken = 0;
            foreach (var hit in index.Search(vectors[q], new IndexSearchOptions { K = Math.Min(index.Count, perQuery * 2 + excluded.Count) }))
            {
                var key = TextKey.Of(hit.Metadata.Text);
                if (excluded.Contains(key)) continue;
                if (!best.TryGetValue(key, out var known) || known.Hit.Score < hit.Score) best[key] = (hit, q);
                if (++taken == perQuery) break;
            }
        }
        return best.Values.OrderByDescending(h => h.Hit.Score).ThenBy(h => h.Hit.Metadata.Text, StringComparer.Ordinal).ToList();
    }

    /// <summary>Writes retrieved sentences as JSONL atomically.</summary>
    public static Task WriteAsync(string path, IEnumerable<RetrievedSentence> sentences, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(path, async writer =>
        {
            foreach (var sentence in sentences) await writer.WriteLineAsync(JsonSerializer.Serialize(sentence, LocusJson.Compact).AsMemory(), cancellationToken);
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
                sentences.Add(JsonSerializer.Deserialize<RetrievedSentence>(text, LocusJson.Compact) ?? throw new JsonException("null"));
            }
            catch (JsonException e)
            {
                throw new DataFormatException(path, line, null, $"not a retrieved sentence: {e.Message}");
            }
        }
        return sentences;
    }

    /// <inheritdoc/>
    public void Dispose() => _searchable.Dispose();
}
