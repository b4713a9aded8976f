using Locus.Cli;
using Locus.Retrieval.Embeddings;
using Locus.Retrieval.Index;
using Locus.Retrieval.Ingestion;
using Locus.Specialization.Runs;
using Locus.Tests.Specialization.Pipeline;
using Locus.Tests.TestSupport;

namespace Locus.Tests.Retrieval;

/// <summary>An index whose ingestion was interrupted is refused by every reader, with a message that says how to finish it.</summary>
public sealed class IncompleteIndexTests
{
    [Fact]
    public async Task AnIngestStoppedBeforeItsFirstCheckpointLeavesTheFolderMarkedIncomplete()
    {
        using var temp = new TempDirectory();
        File.WriteAllLines(temp.File("c.txt"), Enumerable.Range(0, 40).Select(i => $"Sentence {i} is about topic {i % 7}."));
        var options = new CorpusIngestOptions { BatchSize = 4, CheckpointInterval = 1_000, NearDuplicateThreshold = 0 };
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress<IngestProgress>(_ => cancel.Cancel());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new CorpusIngestor(options).IngestAsync([temp.File("c.txt")], temp.File("idx"), new LexicalEncoder(new LexicalEncoderOptions { Dimension = 32 }), progress, cancel.Token));

        Assert.False(IngestCheckpoint.Load(temp.File("idx"))!.Completed);
        Assert.Throws<LocusException>(() => IngestCheckpoint.EnsureComplete(temp.File("idx")));
    }

    [Fact]
    public async Task CorpusSearchRefusesAnIncompleteIndex()
    {
        using var temp = new TempDirectory();
        var index = await IncompleteIndexAsync(temp);

        var (code, output, error) = await CliRun.Locus("corpus", "search", "--index", index, "--query", "bank rates");
        Assert.Equal(LocusCli.Failed, code);
        Assert.Equal("", output);
        AssertOneLineSayingHowToFinish(error, index);
    }

    [Fact]
    public async Task SpecializeRefusesAnIncompleteIndexBeforeCreatingAVersion()
    {
        using var fixture = new PipelineFixture();
        using var temp = new TempDirectory();
        var index = await IncompleteIndexAsync(temp);

        var (code, _, error) = await CliRun.Locus("specialize", "--task", "ner", "--schema", fixture.Schema, "--seeds", fixture.Seeds,
            "--index", index, "--base", fixture.BaseModel, "--out", Path.Combine(fixture.RunsRoot, "r"), "--synthesis", "offline");
        Assert.Equal(LocusCli.Failed, code);
        AssertOneLineSayingHowToFinish(error, index);
        Assert.Empty(new RunStore(fixture.RunsRoot).ListVersions("r"));
    }

    /// <summary>A finished CLI ingest whose checkpoint is then set back to unfinished, as a killed run leaves it.</summary>
    private static async Task<string> IncompleteIndexAsync(TempDirectory temp)
    {
        File.WriteAllLines(temp.File("news.txt"), ["The central bank raised interest rates again.", "Local team wins the football cup after penalties."]);
        var index = temp.File("idx");
        var (code, _, error) = await CliRun.Locus("corpus", "ingest", "--in", temp.File("news.txt"), "--index", index, "--encoder", "lexical", "--dim", "32");
        Assert.True(code == LocusCli.Ok, error);
        var checkpoint = IngestCheckpoint.Load(index)!;
        checkpoint.Completed = false;
        checkpoint.Save(index);
        return index;
    }

    private static void AssertOneLineSayingHowToFinish(string error, string index)
    {
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains($"{index}: the index is incomplete", lines[0]);
        Assert.Contains($"locus corpus ingest --index {index}", lines[0]);
        Assert.DoesNotContain("   at ", error);
    }
}
