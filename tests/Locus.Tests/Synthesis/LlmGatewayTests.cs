using System.Text.Json;
using Locus.Synthesis;
using Locus.Tests.TestSupport;
using Microsoft.Extensions.AI;

namespace Locus.Tests.Synthesis;

public sealed class LlmGatewayTests
{
    private static LlmRequest Request(int index = 0, string prompt = "Write examples.") =>
        new([new ChatMessage(ChatRole.User, prompt)], Round: 1, Index: index);

    [Fact]
    public async Task SendsModelMessagesTemperatureSeedAndResponseFormatWithTheKeyAsBearer()
    {
        using var server = FakeOpenAiServer.Scripted(FakeReply.Completion("""{"examples": []}"""));
        using var gateway = LlmGateway.Create(SynthesisFixtures.Options(server));
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"examples":{"type":"array"}},"required":["examples"]}""").RootElement;

        var response = await gateway.CompleteAsync(Request() with { OutputSchema = schema, Seed = 42 });

        Assert.Equal("""{"examples": []}""", response.Text);
        var sent = Assert.Single(server.ChatRequests);
        Assert.Equal($"Bearer {SynthesisFixtures.ApiKey}", sent.Authorization);
        var body = sent.Json;
        Assert.Equal("fake-model", body["model"]!.GetValue<string>());
        Assert.Equal(0.7, body["temperature"]!.GetValue<double>(), 5);
        Assert.Equal(42, body["seed"]!.GetValue<long>());
        Assert.Equal("user", body["messages"]![0]!["role"]!.GetValue<string>());
        Assert.Equal("Write examples.", sent.PromptText);
        var format = body["response_format"]!;
        Assert.Equal("json_schema", format["type"]!.GetValue<string>());
        Assert.Equal("locus_examples", format["json_schema"]!["name"]!.GetValue<string>());
        Assert.Equal("examples", format["json_schema"]!["schema"]!["required"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData(JsonOutputMode.JsonObject, "json_object")]
    [InlineData(JsonOutputMode.None, null)]
    public async Task JsonModeDecidesTheResponseFormat(JsonOutputMode mode, string? expectedType)
    {
        using var server = FakeOpenAiServer.Scripted(FakeReply.Completion("{}"));
        var options = SynthesisFixtures.Options(server);
        options.JsonMode = mode;
        using var gateway = LlmGateway.Create(options);

        await gateway.CompleteAsync(Request() with { OutputSchema = JsonDocument.Parse("{}").RootElement });

        Assert.Equal(expectedType, server.ChatRequests[0].Json["response_format"]?["type"]?.GetValue<string>());
    }

    [Fact]
    public async Task RetriesOn429HonouringRetryAfterAndOn500ThenSucceeds()
    {
        using var server = FakeOpenAiServer.Scripted(
            FakeReply.Error(429, "rate limited", new Dictionary<string, string> { ["Retry-After"] = "1" }),
            FakeReply.Error(500, $"internal error while serving key {SynthesisFixtures.ApiKey}"),
            FakeReply.Completion("ok", promptTokens: 11, completionTokens: 7));
        var logger = new ListLogger();
        using var gateway = LlmGateway.Create(SynthesisFixtures.Options(server), logger);

        var response = await gateway.CompleteAsync(Request());

        Assert.Equal("ok", response.Text);
        Assert.Equal(3, server.ChatCalls);
        Assert.Equal(3, response.Call.Attempts);
        Assert.Collection(response.Call.Retries,
            first =>
            {
                Assert.Equal(1, first.Attempt);
                Assert.Contains("HTTP 429", first.Reason);
                Assert.Equal(TimeSpan.FromSeconds(1), first.Delay); // the server's Retry-After, not the 10 ms back-off
            },
            second =>
            {
                Assert.Equal(2, second.Attempt);
                Assert.Contains("HTTP 500", second.Reason);
                Assert.InRange(second.Delay, TimeSpan.Zero, TimeSpan.FromSeconds(2));
            });
        Assert.Equal(2, logger.Lines.Count(l => l.StartsWith("Warning")));
        Assert.All(logger.Lines, line => Assert.DoesNotContain(SynthesisFixtures.ApiKey, line));
        Assert.Contains(logger.Lines, line => line.Contains(SecretMask));
    }

    private const string SecretMask = "***";

    [Fact]
    public async Task RetriesAnAttemptThatTimesOut()
    {
        using var server = FakeOpenAiServer.Scripted(
            FakeReply.Completion("too late") with { Delay = TimeSpan.FromSeconds(20) },
            FakeReply.Completion("in time"));
        var options = SynthesisFixtures.Options(server);
        options.Timeout = TimeSpan.FromMilliseconds(400);
        using var gateway = LlmGateway.Create(options);

        var response = await gateway.CompleteAsync(Request());

        Assert.Equal("in time", response.Text);
        Assert.Equal(2, response.Call.Attempts);
        var retry = Assert.Single(response.Call.Retries);
        Assert.Contains("no answer within", retry.Reason);
        Assert.True(retry.Stall);
        Assert.Equal(1, response.Call.Stalls);
        Assert.Equal(1, gateway.Usage.Totals.Stalls);
        Assert.Equal(1, gateway.Usage.Totals.Retries);
    }

    [Fact]
    public async Task GivesUpAfterTheLastRetryWithAClearError()
    {
        using var server = FakeOpenAiServer.Scripted(FakeReply.Error(503, "overloaded"));
        var options = SynthesisFixtures.Options(server);
        options.MaxRetries = 2;
        using var gateway = LlmGateway.Create(options);

        var error = await Assert.ThrowsAsync<LocusException>(() => gateway.CompleteAsync(Request()));

        Assert.Equal(3, server.ChatCalls);
        Assert.Contains("failed after 3 attempt(s)", error.Message);
        Assert.Contains("HTTP 503", error.Message);
        Assert.Contains("fake-model", error.Message);
    }

    [Fact]
    public async Task DoesNotRetryARefusalAndNeverShowsTheKey()
    {
        using var server = FakeOpenAiServer.Scripted(FakeReply.Error(401, $"Incorrect API key provided: {SynthesisFixtures.ApiKey}"));
        var logger = new ListLogger();
        using var gateway = LlmGateway.Create(SynthesisFixtures.Options(server), logger);

        var error = await Assert.ThrowsAsync<LocusException>(() => gateway.CompleteAsync(Request()));

        Assert.Equal(1, server.ChatCalls);
        Assert.Equal($"Bearer {SynthesisFixtures.ApiKey}", server.ChatRequests[0].Authorization);
        Assert.Contains("was refused", error.Message);
        Assert.Contains("HTTP 401", error.Message);
        Assert.Contains("Incorrect API key provided: " + SecretMask, error.Message);
        Assert.DoesNotContain(SynthesisFixtures.ApiKey, error.ToString());
        Assert.All(logger.Lines, line => Assert.DoesNotContain(SynthesisFixtures.ApiKey, line));
    }

    [Fact]
    public async Task BoundsTheRequestsInFlight()
    {
        using var server = new FakeOpenAiServer((_, call) => FakeReply.Completion($"answer {call}") with { Delay = TimeSpan.FromMilliseconds(150) });
        var options = SynthesisFixtures.Options(server);
        options.MaxConcurrency = 2;
        using var gateway = LlmGateway.Create(options);

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => gateway.CompleteAsync(Request(i))));

        Assert.Equal(6, server.ChatCalls);
        Assert.InRange(server.MaxInFlight, 1, 2);
        Assert.Equal(6, answers.Select(a => a.Text).Distinct().Count());
    }

    [Fact]
    public async Task CachesAnswersOnDiskWithoutTheKey()
    {
        using var folder = new TempDir();
        using var server = new FakeOpenAiServer((_, call) => FakeReply.Completion($"answer {call}", 100, 20));
        var options = SynthesisFixtures.Options(server, folder.Path);
        options.PromptPricePer1KTokens = 1m;

        using (var first = LlmGateway.Create(options))
        {
            Assert.Equal("answer 0", (await first.CompleteAsync(Request(0))).Text);
            Assert.Equal("answer 1", (await first.CompleteAsync(Request(1))).Text);
        }
        using var second = LlmGateway.Create(options);
        var again = await second.CompleteAsync(Request(1));
        var changedPrompt = await second.CompleteAsync(Request(1, "Write other examples."));

        Assert.Equal("answer 1", again.Text);
        Assert.True(again.Call.FromCache);
        Assert.Equal(0, again.Call.Attempts);
        Assert.Equal(0m, again.Call.Cost);
        Assert.Equal(100, again.Call.PromptTokens);
        Assert.Equal("answer 2", changedPrompt.Text); // a different prompt is a different key
        Assert.Equal(3, server.ChatCalls);
        var files = Directory.GetFiles(folder.Path, "*.json", SearchOption.AllDirectories);
        Assert.Equal(3, files.Length);
        Assert.All(files, f => Assert.DoesNotContain(SynthesisFixtures.ApiKey, File.ReadAllText(f)));
        Assert.All(files, f => JsonPolicyAssert.LocusFile(f, new LocusFileFormat("llm-cache", 1)));
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task CacheFilesWrittenBeforeFormatsAreStillAnswers()
    {
        using var folder = new TempDir();
        using var server = new FakeOpenAiServer((_, call) => FakeReply.Completion($"answer {call}", 100, 20));
        var options = SynthesisFixtures.Options(server, folder.Path);
        using (var first = LlmGateway.Create(options)) await first.CompleteAsync(Request(0));
        // As an earlier Locus wrote it: the same members, no format.
        var file = Directory.GetFiles(folder.Path, "*.json", SearchOption.AllDirectories).Single();
        File.WriteAllText(file, """{"text": "old answer", "prompt_tokens": 100, "completion_tokens": 20}""");

        using var second = LlmGateway.Create(options);
        var again = await second.CompleteAsync(Request(0));

        Assert.True(again.Call.FromCache);
        Assert.Equal("old answer", again.Text);
        Assert.Equal(1, server.ChatCalls);
    }

    private static string? ParsesAsExamples(string answer) => LlmJsonOutput.TryReadExamples(answer, out var problem) is null ? problem : null;

    [Fact]
    public async Task AMalformedAnswerIsAskedForAgainAndOnlyTheAnswerThatParsesIsCached()
    {
        using var folder = new TempDir();
        using var server = FakeOpenAiServer.Scripted(
            FakeReply.Completion("Sure! Here are your examples: {\"examples\": []}"),
            FakeReply.Completion("""{"examples": [{"text": "ok"}]}"""));
        var logger = new ListLogger();
        using (var gateway = LlmGateway.Create(SynthesisFixtures.Options(server, folder.Path), logger))
        {
            var response = await gateway.CompleteAsync(Request() with { CheckAnswer = ParsesAsExamples });

            Assert.Equal("""{"examples": [{"text": "ok"}]}""", response.Text);
            Assert.Equal(2, server.ChatCalls);
            Assert.Equal(2, response.Call.Attempts);
            Assert.Equal(1, response.Call.MalformedAnswers);
            Assert.StartsWith("malformed answer: malformed JSON", Assert.Single(response.Call.Retries).Reason);
            Assert.Contains(logger.Lines, l => l.StartsWith("Warning") && l.Contains("does not parse"));
        }
        using (var again = LlmGateway.Create(SynthesisFixtures.Options(server, folder.Path)))
        {
            var cached = await again.CompleteAsync(Request() with { CheckAnswer = ParsesAsExamples });
            Assert.True(cached.Call.FromCache);
            Assert.Equal("""{"examples": [{"text": "ok"}]}""", cached.Text);
        }
        Assert.Equal(2, server.ChatCalls);
    }

    [Fact]
    public async Task AnswersThatNeverParseAreRetriedABoundedNumberOfTimesAndNeverCached()
    {
        using var folder = new TempDir();
        using var server = FakeOpenAiServer.Scripted(FakeReply.Completion("not json at all"));
        var options = SynthesisFixtures.Options(server, folder.Path);
        options.MalformedAnswerRetries = 2;
        using (var gateway = LlmGateway.Create(options))
        {
            var response = await gateway.CompleteAsync(Request() with { CheckAnswer = ParsesAsExamples });
            Assert.Equal("not json at all", response.Text); // returned for the caller to reject
            Assert.Equal(3, server.ChatCalls);
            Assert.Equal(3, response.Call.MalformedAnswers);
            Assert.Equal(300, response.Call.PromptTokens); // every attempt was paid for
        }
        Assert.Empty(Directory.GetFiles(folder.Path, "*.json", SearchOption.AllDirectories));

        // A malformed answer already in a cache (written by an older version) is not taken as good.
        using (var plain = LlmGateway.Create(options))
            await plain.CompleteAsync(Request()); // no check: cached as it is
        Assert.Equal(4, server.ChatCalls);
        using (var checking = LlmGateway.Create(options))
        {
            var response = await checking.CompleteAsync(Request() with { CheckAnswer = ParsesAsExamples });
            Assert.False(response.Call.FromCache);
        }
        Assert.Equal(7, server.ChatCalls);
    }

    [Fact]
    public async Task AccountsTokensAndCostFromTheServersUsage()
    {
        using var server = new FakeOpenAiServer((_, call) => FakeReply.Completion("x", promptTokens: 1000 + call * 500, completionTokens: 200));
        var options = SynthesisFixtures.Options(server);
        options.PromptPricePer1KTokens = 0.15m;
        options.CompletionPricePer1KTokens = 0.6m;
        using var gateway = LlmGateway.Create(options);

        var first = await gateway.CompleteAsync(Request(0));
        await gateway.CompleteAsync(Request(1));

        Assert.Equal(1000, first.Call.PromptTokens);
        Assert.Equal(200, first.Call.CompletionTokens);
        Assert.Equal(0.15m + 0.12m, first.Call.Cost); // 1000 × 0.15/1000 + 200 × 0.6/1000
        var totals = gateway.Usage.Totals;
        Assert.Equal(2, totals.Requests);
        Assert.Equal(2500, totals.PromptTokens);
        Assert.Equal(400, totals.CompletionTokens);
        Assert.Equal(2900, totals.TotalTokens);
        Assert.Equal(2500 * 0.15m / 1000 + 400 * 0.6m / 1000, totals.Cost);
        Assert.Equal(2, totals.HttpAttempts);
    }

    [Fact]
    public void RefusesToStartWithoutAnEndpoint()
    {
        var error = Assert.Throws<LocusException>(() => LlmGateway.Create(new LlmEndpointOptions()));
        Assert.Contains("LOCUS_LLM_ENDPOINT", error.Message);
    }
}
