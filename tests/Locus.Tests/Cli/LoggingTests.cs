using Locus.Tests.Specialization.Pipeline;
using Locus.Tests.Synthesis;
using Locus.Tests.TestSupport;

namespace Locus.Tests.Cli;

public sealed class LoggingTests
{
    [Fact]
    public async Task VerboseShowsTheLibrarysInformationQuietHidesItAndTheyExcludeEachOther()
    {
        using var dir = new TempDir();
        var corpus = dir.File("corpus.txt");
        File.WriteAllLines(corpus, Enumerable.Range(0, 30).Select(i => $"Sentence number {i} talks about topic {i % 7}."));

        var (code, _, error) = await CliRun.Locus("corpus", "ingest", "--in", corpus, "--index", dir.File("a"), "--encoder", "lexical", "--verbose");
        Assert.True(code == 0, error);
        Assert.Contains(error.Split('\n'), l => l.StartsWith("info: ", StringComparison.Ordinal));

        (code, _, error) = await CliRun.Locus("corpus", "ingest", "--in", corpus, "--index", dir.File("b"), "--encoder", "lexical");
        Assert.True(code == 0, error);
        Assert.DoesNotContain(error.Split('\n'), l => l.StartsWith("info: ", StringComparison.Ordinal));

        (code, _, error) = await CliRun.Locus("corpus", "ingest", "--in", corpus, "--index", dir.File("c"), "--encoder", "lexical", "--verbose", "--quiet");
        Assert.Equal(2, code);
        Assert.Contains("exclude each other", error);
    }

    [Fact]
    public async Task SpecializePrintsLibraryWarningsAndTheTeachersTrainingUnderSelfTrain()
    {
        using var fixture = new PipelineFixture();
        // The first chat call fails once: the gateway's warning about the retry must reach standard error.
        using var server = new FakeOpenAiServer((_, call) => call == 0 ? FakeReply.Error(500, "busy") : SynthesisFixtures.DistinctNerReply(call));
        var run = Path.Combine(fixture.RunsRoot, "logged");
        var (code, _, error) = await CliRun.Locus("specialize", "--task", "ner", "--schema", fixture.Schema, "--seeds", fixture.Seeds, "--corpus", fixture.Corpus,
            "--base", fixture.BaseModel, "--out", run, "--llm-endpoint", server.Endpoint.ToString(), "--llm-model", "fake-model", "--llm-rounds", "1", "--llm-requests-per-round", "3",
            "--self-training-rounds", "1", "--epochs", "2", "--lr", "1e-2", "--rank", "4", "--max-length", "32", "--stride", "8");
        Assert.True(code == 0, error);
        var lines = error.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Contains(lines, l => l.StartsWith("warning: LLM attempt 1 failed (HTTP 500", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("[synthesize] llm synthesis:", StringComparison.Ordinal) && l.Contains("3 requests (0 from the cache), 4 HTTP attempts, 1 retries"));

        var selfTrainStart = lines.IndexOf("[self-train] started");
        var trainStart = lines.IndexOf("[train] started");
        Assert.True(selfTrainStart >= 0 && trainStart > selfTrainStart, error);
        // Every training line before the student's training belongs to the teacher, under [self-train].
        Assert.DoesNotContain(lines.Take(trainStart), l => l.StartsWith("[train]", StringComparison.Ordinal));
        Assert.Contains(lines.Skip(selfTrainStart).Take(trainStart - selfTrainStart), l => l.StartsWith("[self-train] epoch", StringComparison.OrdinalIgnoreCase));
    }
}
