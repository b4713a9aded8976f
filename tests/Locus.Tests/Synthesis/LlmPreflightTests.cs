using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Locus.Data;
using Locus.Specialization.Pipeline;
using Locus.Specialization.Runs;
using Locus.Synthesis;
using Locus.Tests.Specialization.Pipeline;
using Locus.Training.Trainer;
using Microsoft.Extensions.AI;

namespace Locus.Tests.Synthesis;

public sealed class LlmPreflightTests
{
    private static Uri DeadEndpoint()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop(); // nothing listens there any more: connections are refused
        return new Uri($"http://127.0.0.1:{port}/v1");
    }

    private static LlmEndpointOptions Options(Uri endpoint) => new() { Endpoint = endpoint, Model = "fake-model", ApiKey = SynthesisFixtures.ApiKey };

    [Fact]
    public async Task PassesWhenTheEndpointListsTheModelWithoutAnyChatCall()
    {
        using var server = FakeOpenAiServer.Scripted(FakeReply.Completion("{}"));
        await LlmPreflight.CheckAsync(SynthesisFixtures.Options(server));
        Assert.Equal(0, server.ChatCalls);
        Assert.Equal($"Bearer {SynthesisFixtures.ApiKey}", Assert.Single(server.Requests).Authorization);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task ARefusedKeyFailsAtOnceInOneLineWithoutTheKey(int status)
    {
        using var server = new FakeOpenAiServer((_, _) => FakeReply.Completion("{}"),
            models: _ => FakeReply.Error(status, $"Incorrect API key provided: {SynthesisFixtures.ApiKey}"));
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<LocusException>(() => LlmPreflight.CheckAsync(SynthesisFixtures.Options(server)));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Contains($"HTTP {status}", error.Message);
        Assert.Contains("LOCUS_LLM_API_KEY", error.Message);
        Assert.DoesNotContain(SynthesisFixtures.ApiKey, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task AWrongUrlFailsWith404()
    {
        using var server = new FakeOpenAiServer((_, _) => FakeReply.Error(404, "not found"), listModels: false);
        var error = await Assert.ThrowsAsync<LocusException>(() => LlmPreflight.CheckAsync(SynthesisFixtures.Options(server)));
        Assert.Contains("HTTP 404", error.Message);
        Assert.Contains("LOCUS_LLM_ENDPOINT", error.Message);
    }

    [Fact]
    public async Task AModelTheEndpointDoesNotServeFailsNamingWhatItServes()
    {
        using var server = new FakeOpenAiServer((_, _) => FakeReply.Error(404, "model not found"), models: _ => FakeReply.Models("llama3", "mistral"));
        var error = await Assert.ThrowsAsync<LocusException>(() => LlmPreflight.CheckAsync(SynthesisFixtures.Options(server)));
        Assert.Contains("'llama3', 'mistral'", error.Message);
        Assert.Contains("LOCUS_LLM_MODEL", error.Message);
    }

    [Fact]
    public async Task AServerWithoutAModelListPassesOnAOneTokenCompletion()
    {
        using var server = new FakeOpenAiServer((_, _) => FakeReply.Completion("p"), listModels: false);
        await LlmPreflight.CheckAsync(SynthesisFixtures.Options(server));
        Assert.Equal(1, Assert.Single(server.ChatRequests).Json["max_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task ARefusedConnectionFailsInSecondsSayingSo()
    {
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<LocusException>(() => LlmPreflight.CheckAsync(Options(DeadEndpoint())));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Contains("connection refused", error.Message);
    }

    [Fact]
    public async Task AHostNameThatDoesNotResolveFailsSayingSo()
    {
        var error = await Assert.ThrowsAsync<LocusException>(() => LlmPreflight.CheckAsync(Options(new Uri("http://locus-no-such-host.invalid/v1"))));
        Assert.Contains("does not resolve", error.Message);
    }

    [Fact]
    public async Task TheGatewayRetriesARefusedConnectionOnceNotSixTimes()
    {
        var options = Options(DeadEndpoint());
        options.MaxRetries = 6;
        options.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
        using var gateway = LlmGateway.Create(options);
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<LocusException>(() => gateway.CompleteAsync(new LlmRequest([new ChatMessage(ChatRole.User, "x")], 1, 0)));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Contains("failed after 2 attempt(s)", error.Message);
    }

    [Fact]
    public async Task TheSpecializePipelineChecksTheEndpointBeforeCreatingARun()
    {
        using var fixture = new PipelineFixture();
        var options = fixture.Options(SynthesisMode.Auto);
        options = new SpecializeOptions
        {
            Task = options.Task, SchemaPath = options.SchemaPath, SeedsPath = options.SeedsPath, BaseModel = options.BaseModel, Corpus = options.Corpus,
            TestPath = options.TestPath, FineTune = options.FineTune, SelfTrainingRounds = 0, Llm = Options(DeadEndpoint()),
        };
        var store = new RunStore(fixture.RunsRoot);
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<LocusException>(() => new SpecializationPipeline(store).RunAsync("dead", options));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.Contains("connection refused", error.Message);
        Assert.Empty(store.ListVersions("dead")); // failed before split and retrieve: no run version at all
    }

    private sealed class Recorder<T>(Action<T> onReport) : IProgress<T>
    {
        public void Report(T value) => onReport(value);
    }

    [Fact]
    public async Task AResumedRunWhoseLlmStageIsDoneNeedsNoEndpoint()
    {
        using var fixture = new PipelineFixture();
        var server = new FakeOpenAiServer((_, call) => SynthesisFixtures.DistinctNerReply(call));
        var options = fixture.Options(SynthesisMode.Auto);
        options = new SpecializeOptions
        {
            Task = options.Task, SchemaPath = options.SchemaPath, SeedsPath = options.SeedsPath, BaseModel = options.BaseModel, Corpus = options.Corpus,
            TestPath = options.TestPath, FineTune = options.FineTune, SelfTrainingRounds = 0, Llm = SynthesisFixtures.Options(server),
            LlmSynthesis = new SynthesisOptions { Rounds = 1, RequestsPerRound = 2, ExamplesPerRequest = 2, RetrievedPerRequest = 0 },
        };
        var store = new RunStore(fixture.RunsRoot);
        using var cancel = new CancellationTokenSource();
        var training = false;
        var stages = new Recorder<SpecializeProgress>(p => training |= p is { Stage: "train", Message: "started" });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new SpecializationPipeline(store).RunAsync("resume", options, stages,
            new Recorder<TrainingProgress>(_ => { if (training) cancel.Cancel(); }), cancel.Token));
        server.Dispose(); // the endpoint is gone: connections to it are refused

        var resumed = await new SpecializationPipeline(store).RunAsync("resume", options);
        Assert.True(resumed.Resumed);
        Assert.Contains("synthesize", resumed.ReusedStages);

        // A new run (a new version) does need it, and says so at once.
        var error = await Assert.ThrowsAsync<LocusException>(() => new SpecializationPipeline(store).RunAsync("resume", options));
        Assert.Contains("connection refused", error.Message);
        Assert.Single(store.ListVersions("resume"));
    }
}
