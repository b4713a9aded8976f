using System.Diagnostics;
using Locus.Retrieval.Embeddings;
using Locus.Retrieval.Index;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Locus.Retrieval.Ingestion;

/// <summary>
/// Streams a corpus into a <see cref="VectorIndex"/> kept in a directory (index.lvi + checkpoint.json):
/// read → split into sentences → drop short, exact and near duplicates → encode in batches → add (HNSW
/// linking included). Every <see cref="CorpusIngestOptions.CheckpointInterval"/> sentences the index is saved
/// and then the checkpoint, so an interrupted run over the same inputs resumes where it stopped; a run over
/// other inputs appends to the index. Duplicate detection is rebuilt from the texts already indexed, which
/// also drops sentences re-read after a crash between the index save and the checkpoint.
/// </summary>
public sealed class CorpusIngestor(CorpusIngestOptions? options = null, ILogger? logger = null)
{
    /// <summary>Index file name inside the index directory.</summary>
    public const string IndexFileName = "index.lvi";

    private readonly CorpusIngestOptions _options = options ?? new CorpusIngestOptions();
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>Ingests <paramref name="inputs"/> (files or directories) into <paramref name="indexDirectory"/>.</summary>
    public async Task<IngestProgress> IngestAsync(
        IReadOnlyList<string> inputs,
        string indexDirectory,
        ISentenceEncoder encoder,
        IProgress<IngestProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (_options.BatchSize < 1) throw new LocusException($"batch size must be positive (got {_options.BatchSize})");
        if (_options.CheckpointInterval < 1) throw new LocusException($"checkpoint interval must be positive (got {_options.CheckpointInterval})");
        var files = CorpusReader.ExpandInputs(inputs);
        Directory.CreateDirectory(indexDirectory);
        var indexPath = Path.Combine(indexDirectory, IndexFileName);
        using var index = File.Exists(indexPath)
            ? VectorIndex.Open(indexPath)
            : VectorIndex.Create(encoder.ModelId, encoder.Dimension, _options.Index);
        if (index.ModelId != encoder.ModelId || index.Dimension != encoder.Dimension)
            throw new LocusException($"{indexPath}: the index holds vectors of '{index.ModelId}' ({index.Dimension}-d), not of '{encoder.ModelId}' ({encoder.Dimension}-d)");

        var run = new RunState(Stopwatch.StartNew(), index);
        var checkpoint = IngestCheckpoint.Load(indexDirectory);
        var resumeAfter = 0L;
        if (checkpoint is not null && checkpoint.Inputs.SequenceEqual(files, StringComparer.Ordinal))
        {
            if (checkpoint.Completed)
            {
                _logger.LogInformation("{Directory}: these inputs were already ingested completely", indexDirectory);
                return run.Snapshot(checkpoint.LinesConsumed);
            }
            resumeAfter = checkpoint.LinesConsumed;
            _logger.LogInformation("Resuming after {Lines} input lines ({Rows} rows indexed)", resumeAfter, index.Count);
        }
        else
        {
            // Mark the folder incomplete before the index file changes, so a run killed before its first checkpoint
            // (or between saving the index and the checkpoint) never leaves an index that looks finished.
            new IngestCheckpoint { Inputs = [.. files], ModelId = encoder.ModelId, LinesConsumed = 0, IndexCount = index.Count, Completed = false }.Save(indexDirectory);
        }

        var duplicates = new DuplicateFilter(_options.NearDuplicateThreshold);
        for (var row = 0; row < index.Count; row++)
            if (!index.IsDeleted(row)) duplicates.Check(index.GetMetadata(row).Text);

        var nextKey = (ulong)(index.MaxKey + 1);
        var batch = new List<VectorRecordMetadata>(_options.BatchSize);
        var sinceCheckpoint = 0;
        var linesConsumed = resumeAfter;
        var reader = new CorpusReader(_options.Format, _options.TextField);
        foreach (var document in reader.Read(files, cancellationToken))
        {
            if (document.LinesConsumed <= resumeAfter) continue;
            IEnumerable<string> sentences = document.IsSentence ? [document.Text] : SentenceSplitter.Split(document.Text);
            foreach (var sentence in sentences)
            {
                run.Seen++;
                if (sentence.Length < _options.MinSentenceLength) { run.TooShort++; continue; }
                switch (duplicates.Check(sentence))
                {
                    case DuplicateKind.Exact: run.Exact++; continue;
                    case DuplicateKind.Near: run.Near++; continue;
                }
                batch.Add(new VectorRecordMetadata(nextKey++, sentence, document.Source, document.Line));
                if (batch.Count < _options.BatchSize) continue;
                sinceCheckpoint += await FlushAsync(index, encoder, batch, run, cancellationToken).ConfigureAwait(false);
                progress?.Report(run.Snapshot(linesConsumed));
            }
            linesConsumed = document.LinesConsumed;
            if (sinceCheckpoint < _options.CheckpointInterval) continue;
            await FlushAsync(index, encoder, batch, run, cancellationToken).ConfigureAwait(false);
            SaveCheckpoint(index, indexPath, indexDirectory, files, encoder.ModelId, linesConsumed, completed: false);
            sinceCheckpoint = 0;
        }
        await FlushAsync(index, encoder, batch, run, cancellationToken).ConfigureAwait(false);
        SaveCheckpoint(index, indexPath, indexDirectory, files, encoder.ModelId, linesConsumed, completed: true);
        var result = run.Snapshot(linesConsumed);
        progress?.Report(result);
        return result;
    }

    private static async Task<int> FlushAsync(VectorIndex index, ISentenceEncoder encoder, List<VectorRecordMetadata> batch, RunState run, CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return 0;
        var vectors = await encoder.EncodeAsync(batch.Select(m => m.Text).ToArray(), cancellationToken).ConfigureAwait(false);
        index.Add(vectors, batch, cancellationToken);
        var added = batch.Count;
        run.Added += added;
        batch.Clear();
        return added;
    }

    private void SaveCheckpoint(VectorIndex index, string indexPath, string directory, IReadOnlyList<string> files, string modelId, long linesConsumed, bool completed)
    {
        index.Save(indexPath);
        new IngestCheckpoint { Inputs = [.. files], ModelId = modelId, LinesConsumed = linesConsumed, IndexCount = index.Count, Completed = completed }.Save(directory);
        _logger.LogInformation("Checkpoint: {Lines} lines consumed, {Rows} rows", linesConsumed, index.Count);
    }

    private sealed class RunState(Stopwatch clock, VectorIndex index)
    {
        public long Seen, Added, Exact, Near, TooShort;

        public IngestProgress Snapshot(long linesConsumed) =>
            new(linesConsumed, Seen, Added, Exact, Near, TooShort, index.Count, clock.Elapsed);
    }
}
