using System.Text.Json;
using System.Text.Json.Nodes;
using Locus.Data;
using Locus.Synthesis;
using Locus.Tests.TestSupport;

namespace Locus.Tests.Synthesis;

public sealed class LlmSynthesizerTests
{
    /// <summary>A retriever that returns fixed sentences and records the queries it was given.</summary>
    private sealed class RecordingRetriever(params string[] sentences) : ISimilarTextRetriever
    {
        private readonly List<IReadOnlyList<string>> _queries = [];

        public IReadOnlyList<IReadOnlyList<string>> Queries
        {
            get
            {
                lock (_queries) return _queries.ToList();
            }
        }

        public Task<IReadOnlyList<string>> RetrieveAsync(IReadOnlyList<string> queries, int k, CancellationToken cancellationToken)
        {
            lock (_queries) _queries.Add(queries);
            return Task.FromResult<IReadOnlyList<string>>(sentences.Take(k).ToList());
        }
    }

    /// <summary>Collects progress reports synchronously (Progress&lt;T&gt; would post them later).</summary>
    private sealed class ProgressLog : IProgress<SynthesisProgress>
    {
        public List<SynthesisProgress> Reports { get; } = [];

        public void Report(SynthesisProgress value)
        {
            lock (Reports) Reports.Add(value);
        }
    }

    // Requests run concurrently, so answers are chosen from the request, not from the arrival order: with focus
    // rotation, request i of round 1 emphasises label i of the schema.
    private static int RequestIndex(ReceivedRequest request, LabelSchema schema) =>
        schema.Labels.Select((l, i) => (l.Name, i)).Single(l => request.PromptText.Contains($"'{l.Name}'")).i;

    // An answer derived from the request's sampling seed, which is distinct for every (round, request).
    private static FakeReply BySeed(ReceivedRequest request, int call) => SynthesisFixtures.DistinctNerReply((int)(request.Json["seed"]!.GetValue<long>() % 100_000));

    private static SynthesisOptions Small(int rounds = 1, int requests = 3) =>
        new() { Rounds = rounds, RequestsPerRound = requests, ExamplesPerRequest = 5, RetrievedPerRequest = 3 };

    [Fact]
    public async Task PromptsCarryTheSchemaDescriptionsSeedsRetrievedContextAndFormat()
    {
        using var server = FakeOpenAiServer.Scripted(FakeReply.Completion("""{"examples": []}"""));
        using var gateway = LlmGateway.Create(SynthesisFixtures.Options(server));
        var retriever = new RecordingRetriever("Carol flew from Lisbon to Porto on Monday.", "alice smith moved from Paris to  Berlin.", "Initech hired Dave.");
        var options = Small(requests: 1);
        options.DomainConstraints = "News sentences in British English.";

        await new LlmSynthesizer(gateway, options, retriever).SynthesizeAsync(SynthesisFixtures.NerSchema, SynthesisFixtures.NerSeeds());

        var prompt = Assert.Single(server.ChatRequests).PromptText;
        Assert.Contains("- PER: the name of a person", prompt);
        Assert.Contains("- LOC: a place: city, country, region or street", prompt);
        Assert.Contains("- ORG: a company, institution or team", prompt);
        Assert.Contains("News sentences in British English.", prompt);
        Assert.Contains("""{"text":"Alice Smith moved from Paris to Berlin.","entities":[{"text":"Alice Smith","label":"PER"},{"text":"Paris","label":"LOC"},{"text":"Berlin","label":"LOC"}]}""", prompt);
        Assert.Contains("""{"text":"The United Nations met in Geneva.","entities":[{"text":"United Nations","label":"ORG"},{"text":"Geneva","label":"LOC"}]}""", prompt);
        Assert.Contains("- Carol flew from Lisbon to Porto on Monday.", prompt);
        Assert.Contains("- Initech hired Dave.", prompt);
        Assert.DoesNotContain("- alice smith moved", prompt); // a retrieved copy of a seed is not context
        Assert.Contains("Generate 5 new examples", prompt);
        Assert.Contains("multifactorial, including outliers", prompt);
        Assert.Contains("at least one 'PER' entity", prompt);
        Assert.Contains("\"entities\": [{\"text\": \"<exact substring of the example text>\", \"label\": \"<one of: PER, LOC, ORG>\"}]", prompt);
        Assert.Contains("\"occurrence\": n", prompt);

        var queries = Assert.Single(retriever.Queries);
        Assert.Equal(SynthesisFixtures.NerSeeds().Select(s => s.Text).Order(), queries.Order());
        var enumValues = server.ChatRequests[0].Json["response_format"]!["json_schema"]!["schema"]!
            ["properties"]!["examples"]!["items"]!["properties"]!["entities"]!["items"]!["properties"]!["label"]!["enum"]!.AsArray();
        Assert.Equal(["PER", "LOC", "ORG"], enumValues.Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public async Task KeepsValidExamplesAndRejectsTheRestWithReasons()
    {
        var good = SynthesisFixtures.NerAnswer(
            ("Dana Lee flew from Oslo to Madrid for Initech.", [("Dana Lee", "PER"), ("Oslo", "LOC"), ("Madrid", "LOC"), ("Initech", "ORG")]),
            ("Eve lives in Kyoto.", [("Eve", "PER"), ("Tokyo", "LOC")]),
            ("Frank met Grace on Tuesday.", [("Frank", "PER"), ("Tuesday", "DATE")]),
            ("bob works for Acme Corp  in London.", [("bob", "PER"), ("Acme Corp", "ORG"), ("London", "LOC")]),
            ("   ", []),
            ("Dana Lee flew from Oslo to Madrid for Initech.", [("Dana Lee", "PER")]));
        var occurrence = """{"examples": [{"text": "Paris Hilton stayed in Paris.", "entities": [{"text": "Paris Hilton", "label": "PER"}, {"text": "Paris", "label": "LOC", "occurrence": 2}]}]}""";
        var answers = new[] { good, "Sure! Here are your examples:\n" + good, "```json\n" + occurrence + "\n```" };
        using var server = new FakeOpenAiServer((request, _) => FakeReply.Completion(answers[RequestIndex(request, SynthesisFixtures.NerSchema)]));
        using var gateway = LlmGateway.Create(SynthesisFixtures.Options(server));

        var result = await new LlmSynthesizer(gateway, Small()).SynthesizeAsync(SynthesisFixtures.NerSchema, SynthesisFixtures.NerSeeds());

        Assert.Equal(2, result.Examples.Count);
        var dana = result.Examples[0];
        Assert.Equal("llm-r1-q0-0", dana.Example.Id);
        Assert.Equal(new ExampleProvenance(ExampleSource.SyntheticLlm, "llm:fake-model", 1), dana.Provenance);
        Assert.Equal([new EntitySpan(0, 8, "PER"), new EntitySpan(19, 23, "LOC"), new EntitySpan(27, 33, "LOC"), new EntitySpan(38, 45, "ORG")],
            ((NerExample)dana.Example).Spans);
        var paris = (NerExample)result.Examples[1].Example;
        Assert.Equal("llm-r1-q2-0", paris.Id);
        Assert.Equal([new EntitySpan(0, 12, "PER"), new EntitySpan(23, 28, "LOC")], paris.Spans);

        Assert.Equal(
        [
            (0, (int?)1, "entity 'Tokyo' does not occur in the text"),
            (0, 2, "entities[1]: label 'DATE' is not in the schema (PER, LOC, ORG)"),
            (0, 3, "duplicate of seed 'seed-2'"),
            (0, 4, "\"text\" is empty"),
            (0, 5, "duplicate of an example generated earlier"),
        ], result.Rejects.Where(r => r.Request == 0).Select(r => (r.Request, r.Item, r.Reason)));
        var malformed = Assert.Single(result.Rejects, r => r.Request == 1);
        Assert.Null(malformed.Item);
        Assert.StartsWith("answer rejected: malformed JSON", malformed.Reason);
        Assert.StartsWith("Sure! Here are your examples:", malformed.Raw);
        Assert.Equal(new SynthesisRoundSummary(1, 3, 0, 2, 6), Assert.Single(result.Rounds));

        using var folder = new TempDir();
        var path = folder.File("rejects.jsonl");
        Assert.Equal(6, await RejectedSampleFile.WriteAsync(path, result.Rejects));
        var lines = File.ReadAllLines(path).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(result.Rejects.Select(r => r.Reason), lines.Select(l => l["reason"]!.GetValue<string>()));
        Assert.Equal("Eve lives in Kyoto.", JsonNode.Parse(lines[0]["raw"]!.GetValue<string>())!["text"]!.GetValue<string>());
        Assert.Null(lines[5]["item"]);
    }

    [Fact]
    public async Task LaterRoundsRetrieveWithWhatWasGeneratedAndRotateTheFocus()
    {
        using var server = new FakeOpenAiServer(BySeed);
        using var gateway = LlmGateway.Create(SynthesisFixtures.Options(server));
        var retriever = new RecordingRetriever("Heidi sailed to Malta.", "Ivan joined Globex.");
        var options = Small(rounds: 3, requests: 1);
        var progress = new ProgressLog();

        var result = await new LlmSynthesizer(gateway, options, retriever).SynthesizeAsync(SynthesisFixtures.NerSchema, SynthesisFixtures.NerSeeds(), progress);

        Assert.Equal([new SynthesisProgress(1, 3, 1, 3, 0), new SynthesisProgress(2, 3, 2, 3, 1), new SynthesisProgress(3, 3, 3, 3, 2)], progress.Reports);

        Assert.Equal(3, result.Examples.Count);
        Assert.Equal([1, 2, 3], result.Examples.Select(e => e.Provenance.Round!.Value));
        var queries = retriever.Queries;
        Assert.Equal(3, queries.Count);
        Assert.DoesNotContain(queries[0], q => q.StartsWith("Person", StringComparison.Ordinal));
        Assert.Contains(result.Examples[0].Example.Text, queries[1]);
        Assert.Contains(result.Examples[0].Example.Text, queries[2]);
        Assert.Contains(result.Examples[1].Example.Text, queries[2]);
        Assert.All(server.ChatRequests, r => Assert.Contains("- Heidi sailed to Malta.", r.PromptText));
        // One request per round: the focus moves on to the next label each round.
        var prompts = server.ChatRequests.Select(r => r.PromptText).ToList();
        Assert.Contains("at least one 'PER' entity", prompts[0]);
        Assert.Contains("at least one 'LOC' entity", prompts[1]);
        Assert.Contains("at least one 'ORG' entity", prompts[2]);
        Assert.All(result.Rounds, r => Assert.Equal(2, r.Retrieved));
    }

    [Fact]
    public async Task RequestsPerRoundFollowTheConcurrencyByDefaultAndAllSlotsAreUsed()
    {
        using var server = new FakeOpenAiServer((request, call) => BySeed(request, call) with { Delay = TimeSpan.FromMilliseconds(300) });
        var endpoint = SynthesisFixtures.Options(server);
        endpoint.MaxConcurrency = 8;
        using var gateway = LlmGateway.Create(endpoint);

        var result = await new LlmSynthesizer(gateway, new SynthesisOptions { Rounds = 1, ExamplesPerRequest = 2, RetrievedPerRequest = 0 })
            .SynthesizeAsync(SynthesisFixtures.NerSchema, SynthesisFixtures.NerSeeds());

        Assert.Equal(8, server.ChatCalls);
        Assert.Equal(8, server.MaxInFlight);
        Assert.Equal(8, Assert.Single(result.Rounds).Requests);
        Assert.Equal(4, new SynthesisOptions().RequestsPerRoundFor(1));
        Assert.Equal(64, new SynthesisOptions().RequestsPerRoundFor(64));
        Assert.Equal(3, new SynthesisOptions { RequestsPerRound = 3 }.RequestsPerRoundFor(64));
    }

    [Fact]
    public async Task ASlowAnswerDoesNotHoldBackTheRequestsOfTheNextRoundThatDoNotNeedIt()
    {
        // Request 0 of round 1 takes 3 s; the others answer at once. Round 2's requests 1 and 2 depend only on
        // round 1's requests 1-3, so they go out while request 0 is still being answered.
        var slowDone = false;
        var callsWhileSlow = 0;
        using var server = new FakeOpenAiServer((request, call) =>
        {
            if (!Volatile.Read(ref slowDone)) Interlocked.Increment(ref callsWhileSlow);
            return BySeed(request, call) with { Delay = call == 0 ? TimeSpan.FromSeconds(3) : TimeSpan.FromMilliseconds(20) };
        });
        var endpoint = SynthesisFixtures.Options(server);
        endpoint.MaxConcurrency = 4;
        using var gateway = LlmGateway.Create(endpoint);
        var synthesizer = new LlmSynthesizer(gateway, new SynthesisOptions { Rounds = 2, RequestsPerRound = 4, ExamplesPerRequest = 2, RetrievedPerRequest = 0, RotateFocusLabel = false });

        var run = synthesizer.SynthesizeAsync(SynthesisFixtures.NerSchema, SynthesisFixtures.NerSeeds());
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var seenWhileSlow = Volatile.Read(ref callsWhileSlow);
        Volatile.Write(ref slowDone, true);
        var result = await run;

        Assert.Equal(8, server.ChatCalls);
        Assert.True(seenWhileSlow >= 6, $"only {seenWhileSlow} calls were made while the slow one was pending");
        Assert.Equal(8, result.Examples.Count);
        Assert.Equal(["llm-r1-q0-0", "llm-r1-q1-0", "llm-r1-q2-0", "llm-r1-q3-0", "llm-r2-q0-0", "llm-r2-q1-0", "llm-r2-q2-0", "llm-r2-q3-0"],
            result.Examples.Select(e => e.Example.Id));
    }

    [Fact]
    public async Task ARerunIsAnsweredFromTheCacheWithoutAnyCall()
    {
        using var folder = new TempDir();
        using var server = new FakeOpenAiServer(BySeed);
        var options = SynthesisFixtures.Options(server, folder.Path);
        options.PromptPricePer1KTokens = 2m;
        var logger = new ListLogger();

        SynthesisResult first, second;
        using (var gateway = LlmGateway.Create(options, logger))
            first = await new LlmSynthesizer(gateway, Small(rounds: 2, requests: 2), logger: logger).SynthesizeAsync(SynthesisFixtures.NerSchema, SynthesisFixtures.NerSeeds());
        Assert.Equal(4, server.ChatCalls);
        using (var gateway = LlmGateway.Create(options, logger))
            second = await new LlmSynthesizer(gateway, Small(rounds: 2, requests: 2), logger: logger).SynthesizeAsync(SynthesisFixtures.NerSchema, SynthesisFixtures.NerSeeds());

        Assert.Equal(4, server.ChatCalls);
        Assert.Equal(Describe(first), Describe(second));
        Assert.Equal(4, first.Examples.Count);
        Assert.Equal(0, first.Usage.CachedRequests);
        Assert.True(first.Usage.Cost > 0);
        Assert.Equal(4, second.Usage.CachedRequests);
        Assert.Equal(0, second.Usage.HttpAttempts);
        Assert.Equal(0m, second.Usage.Cost);
        Assert.Equal(first.Usage.PromptTokens, second.Usage.CachedPromptTokens);
        Assert.DoesNotContain(SynthesisFixtures.ApiKey, JsonSerializer.Serialize(second));
        Assert.NotEmpty(logger.Lines);
        Assert.All(logger.Lines, line => Assert.DoesNotContain(SynthesisFixtures.ApiKey, line));
    }

    [Fact]
    public async Task AnInterruptedRunResumesWithOnlyTheMissingCalls()
    {
        using var folder = new TempDir();
        var failing = true;
        using var server = new FakeOpenAiServer((request, call) =>
            failing && call >= 2 ? FakeReply.Error(400, "context length exceeded") : BySeed(request, call));
        var options = SynthesisFixtures.Options(server, folder.Path);
        using (var gateway = LlmGateway.Create(options))
        {
            var error = await Assert.ThrowsAsync<LocusException>(() =>
                new LlmSynthesizer(gateway, Small(rounds: 2, requests: 2)).SynthesizeAsync(SynthesisFixtures.NerSchema, SynthesisFixtures.NerSeeds()));
            Assert.Contains("round 2", error.Message);
            Assert.Contains("HTTP 400", error.Message);
        }
        var callsBefore = server.ChatCalls;
        Assert.Equal(4, callsBefore); // round 1 answered, both round-2 requests refused

        failing = false;
        SynthesisResult resumed, reference;
        using (var gateway = LlmGateway.Create(options))
            resumed = await new LlmSynthesizer(gateway, Small(rounds: 2, requests: 2)).SynthesizeAsync(SynthesisFixtures.NerSchema, SynthesisFixtures.NerSeeds());
        Assert.Equal(2, server.ChatCalls - callsBefore);
        Assert.Equal(2, resumed.Usage.CachedRequests);

        using (var fresh = new TempDir())
        using (var gateway = LlmGateway.Create(SynthesisFixtures.Options(server, fresh.Path)))
            reference = await new LlmSynthesizer(gateway, Small(rounds: 2, requests: 2)).SynthesizeAsync(SynthesisFixtures.NerSchema, SynthesisFixtures.NerSeeds());
        Assert.Equal(Describe(reference), Describe(resumed));
    }

    [Fact]
    public async Task ClassificationFocusesEachRequestOnALabelAndValidatesLabels()
    {
        string Answer(string label) => new JsonObject
        {
            ["examples"] = new JsonArray(
                new JsonObject { ["text"] = $"A new question about {label}?", ["label"] = label },
                new JsonObject { ["text"] = "Can I get a refund?", ["label"] = "refund" },
                new JsonObject { ["text"] = "When will my new card arrive?", ["label"] = "card_arrival" }),
        }.ToJsonString();
        using var server = new FakeOpenAiServer((request, _) =>
            FakeReply.Completion(Answer(SynthesisFixtures.IntentSchema.Labels[RequestIndex(request, SynthesisFixtures.IntentSchema)].Name)));
        using var gateway = LlmGateway.Create(SynthesisFixtures.Options(server));

        var result = await new LlmSynthesizer(gateway, Small(requests: 2)).SynthesizeAsync(SynthesisFixtures.IntentSchema, SynthesisFixtures.IntentSeeds());

        Assert.Equal(
            [("A new question about card_arrival?", "card_arrival"), ("A new question about lost_or_stolen_card?", "lost_or_stolen_card")],
            result.Examples.Select(e => (e.Example.Text, ((ClassificationExample)e.Example).Label)));
        Assert.Equal(4, result.Rejects.Count);
        Assert.Equal(2, result.Rejects.Count(r => r.Reason == "label 'refund' is not in the schema (card_arrival, lost_or_stolen_card)"));
        Assert.Equal(2, result.Rejects.Count(r => r.Reason == "duplicate of seed 'seed-1'"));
        var prompts = server.ChatRequests.Select(r => r.PromptText).ToList();
        Assert.Contains(prompts, p => p.Contains("write examples for the label 'card_arrival' only"));
        Assert.Contains(prompts, p => p.Contains("write examples for the label 'lost_or_stolen_card' only"));
        Assert.All(prompts, p => Assert.Contains("""{"text":"When will my new card arrive?","label":"card_arrival"}""", p));
        Assert.All(prompts, p => Assert.Contains("- card_arrival: the customer asks when a new card will arrive", p));
    }

    [Fact]
    public async Task PromptsAreReproducibleForAGivenSeed()
    {
        async Task<List<string>> Prompts(int seed)
        {
            using var server = new FakeOpenAiServer(BySeed);
            using var gateway = LlmGateway.Create(SynthesisFixtures.Options(server));
            var options = Small(rounds: 2, requests: 2);
            options.MaxSeedsPerPrompt = 2;
            options.Seed = seed;
            await new LlmSynthesizer(gateway, options).SynthesizeAsync(SynthesisFixtures.NerSchema, SynthesisFixtures.NerSeeds());
            return server.ChatRequests.Select(r => r.Body).Order(StringComparer.Ordinal).ToList();
        }

        var first = await Prompts(5);
        Assert.Equal(first, await Prompts(5));
        Assert.Equal(4, first.Count);
        var seedLines = first.Select(body => new ReceivedRequest("POST", "/", null, body).PromptText.Split('\n').Count(l => l.StartsWith("{\"text\":", StringComparison.Ordinal)));
        Assert.All(seedLines, count => Assert.Equal(2, count)); // MaxSeedsPerPrompt of the three seeds
    }

    [Fact]
    public async Task RejectsSeedsOfAnotherTask()
    {
        using var server = FakeOpenAiServer.Scripted(FakeReply.Completion("{}"));
        using var gateway = LlmGateway.Create(SynthesisFixtures.Options(server));
        var error = await Assert.ThrowsAsync<LocusException>(() =>
            new LlmSynthesizer(gateway, Small()).SynthesizeAsync(SynthesisFixtures.NerSchema, SynthesisFixtures.IntentSeeds()));
        Assert.Contains("classification example but the schema is for ner", error.Message);
        Assert.Equal(0, server.ChatCalls);
    }

    private static List<string> Describe(SynthesisResult result) =>
        result.Examples.Select(e => $"{e.Example.Id}|{e.Example.Text}|{string.Join(",", ((NerExample)e.Example).Spans)}|{e.Provenance}").ToList();
}
