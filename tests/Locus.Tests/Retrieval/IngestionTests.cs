using Locus.Retrieval.Embeddings;
using Locus.Retrieval.Index;
using Locus.Retrieval.Ingestion;

namespace Locus.Tests.Retrieval;

public class IngestionTests
{
    [Fact]
    public void SplitterHandlesAbbreviationsInitialsAndDecimals()
    {
        var text = "Dr. Smith paid $3.50 for it, e.g. on Monday. J. R. R. Tolkien wrote books! Did he? \"Yes,\" she said. The U.S. team won.";
        Assert.Equal(
            ["Dr. Smith paid $3.50 for it, e.g. on Monday.", "J. R. R. Tolkien wrote books!", "Did he?", "\"Yes,\" she said.", "The U.S. team won."],
            SentenceSplitter.Split(text));
        Assert.Equal(["no end punctuation here"], SentenceSplitter.Split("  no end punctuation here "));
        Assert.Equal(["See Fig. 3 for details.", "It works."], SentenceSplitter.Split("See Fig. 3 for details. It works."));
    }

    [Fact]
    public void ReaderParsesJsonLinesConllAndReportsBadRecords()
    {
        using var temp = new TempDirectory();
        File.WriteAllLines(temp.File("a.conll"), ["-DOCSTART- O", "", "John\tB-PER", "lives\tO", "", "Paris\tB-LOC", "rocks\tO"]);
        File.WriteAllLines(temp.File("b.jsonl"), ["{\"text\": \"First doc. Second sentence.\"}", "", "{\"text\": \"Third.\"}"]);
        var reader = new CorpusReader();
        var files = CorpusReader.ExpandInputs([temp.Path]);
        var documents = reader.Read(files).ToList();
        Assert.Equal(["John lives", "Paris rocks", "First doc. Second sentence.", "Third."], documents.Select(d => d.Text));
        Assert.Equal([3L, 6L, 1L, 3L], documents.Select(d => d.Line));
        Assert.Equal([5L, 7L, 8L, 10L], documents.Select(d => d.LinesConsumed));
        Assert.Equal(["John lives", "Paris rocks", "First doc.", "Second sentence.", "Third."], reader.ReadSentences(files));

        File.WriteAllLines(temp.File("b.jsonl"), ["{\"text\": \"ok\"}", "{\"body\": \"no text\"}"]);
        var error = Assert.Throws<DataFormatException>(() => reader.Read(CorpusReader.ExpandInputs([temp.File("b.jsonl")])).ToList());
        Assert.Equal((2, "text"), (error.Line, error.Field));
        Assert.Contains("b.jsonl:2", error.Message);
    }

    [Fact]
    public void DuplicateFilterDropsExactAndNearCopies()
    {
        const string original = "The quick brown fox jumps over the lazy dog near the river bank today.";
        const string nearCopy = "The quick brown fox jumps over the lazy dog near the river bank today again.";   // bigram Jaccard 11/12
        const string rewritten = "The slow brown cat walks around the lazy dog near the old bank today.";       // Jaccard 4/18
        var filter = new DuplicateFilter(nearThreshold: 0.7);
        Assert.Equal(DuplicateKind.Unique, filter.Check(original));
        Assert.Equal(DuplicateKind.Exact, filter.Check("the quick brown fox jumps over the LAZY dog, near the river bank today"));
        Assert.Equal(DuplicateKind.Near, filter.Check(nearCopy));
        Assert.Equal(DuplicateKind.Unique, filter.Check(rewritten));
        Assert.Equal(DuplicateKind.Unique, filter.Check("A completely different sentence about stock markets and interest rates."));
        // The MinHash estimates are close to the true Jaccard similarities (32 hashes: standard error ~0.08).
        Assert.InRange(DuplicateFilter.EstimateJaccard(original, nearCopy), 11 / 12.0 - 0.2, 1.0);
        Assert.InRange(DuplicateFilter.EstimateJaccard(original, rewritten), 0, 4 / 18.0 + 0.25);
        Assert.Equal(DuplicateKind.Unique, new DuplicateFilter(nearThreshold: 0).Check(nearCopy));
    }

    [Fact]
    public async Task IngestDeduplicatesAndResumesAfterInterruption()
    {
        using var temp = new TempDirectory();
        var corpus = temp.File("corpus.txt");
        var lines = Enumerable.Range(0, 60).Select(i => $"Sentence number {i} talks about topic {i * 7 % 13} in detail. It has a second part {i}.").ToList();
        lines.Insert(10, lines[3]);                 // exact duplicate line: both its sentences are dropped
        File.WriteAllLines(corpus, lines);
        var encoder = new LexicalEncoder(new LexicalEncoderOptions { Dimension = 64 });
        var options = new CorpusIngestOptions { BatchSize = 4, CheckpointInterval = 10, NearDuplicateThreshold = 0, Index = new VectorIndexOptions { Hnsw = new HnswOptions { M = 4, MaxDegreeOfParallelism = 1 } } };

        var reference = temp.File("reference");
        var full = await new CorpusIngestor(options).IngestAsync([corpus], reference, encoder);
        Assert.Equal((122L, 120L, 2L), (full.SentencesSeen, full.SentencesAdded, full.ExactDuplicates));

        var resumed = temp.File("resumed");
        using var cancel = new CancellationTokenSource();
        var progress = new Progress(p => { if (p.SentencesAdded >= 45) cancel.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new CorpusIngestor(options).IngestAsync([corpus], resumed, encoder, progress, cancel.Token));
        var checkpoint = IngestCheckpoint.Load(resumed)!;
        Assert.False(checkpoint.Completed);
        Assert.InRange(checkpoint.IndexCount, 10, 119);

        var second = await new CorpusIngestor(options).IngestAsync([corpus], resumed, encoder);
        Assert.Equal(120 - checkpoint.IndexCount, second.SentencesAdded);
        Assert.True(IngestCheckpoint.Load(resumed)!.Completed);

        using var a = VectorIndex.Open(Path.Combine(reference, CorpusIngestor.IndexFileName));
        using var b = VectorIndex.Open(Path.Combine(resumed, CorpusIngestor.IndexFileName));
        Assert.Equal(Enumerable.Range(0, a.Count).Select(r => a.GetMetadata(r)), Enumerable.Range(0, b.Count).Select(r => b.GetMetadata(r)));

        var third = await new CorpusIngestor(options).IngestAsync([corpus], resumed, encoder);
        Assert.Equal(0, third.SentencesAdded);
    }

    [Fact]
    public async Task IngestRefusesAnIndexOfAnotherEncoder()
    {
        using var temp = new TempDirectory();
        File.WriteAllLines(temp.File("c.txt"), ["One sentence here."]);
        await new CorpusIngestor().IngestAsync([temp.File("c.txt")], temp.File("idx"), new LexicalEncoder(new LexicalEncoderOptions { Dimension = 32 }));
        var error = await Assert.ThrowsAsync<LocusException>(() => new CorpusIngestor().IngestAsync([temp.File("c.txt")], temp.File("idx"), new LexicalEncoder(new LexicalEncoderOptions { Dimension = 64 })));
        Assert.Contains("not of 'lexical-v1:d64", error.Message);
    }

    private sealed class Progress(Action<IngestProgress> report) : IProgress<IngestProgress>
    {
        public void Report(IngestProgress value) => report(value);
    }
}
