using System.Text.Json.Nodes;
using Locus.Data;
using Locus.Synthesis;

namespace Locus.Tests.Synthesis;

/// <summary>A small NER and classification task, endpoint options for the fake server, and answer builders.</summary>
internal static class SynthesisFixtures
{
    public const string ApiKey = "sk-test-SECRET-7f3a9c0d21";

    public static readonly LabelSchema NerSchema = new(DataTask.Ner,
    [
        new LabelDefinition("PER", "the name of a person"),
        new LabelDefinition("LOC", "a place: city, country, region or street"),
        new LabelDefinition("ORG", "a company, institution or team"),
    ]);

    public static readonly LabelSchema IntentSchema = new(DataTask.Classification,
    [
        new LabelDefinition("card_arrival", "the customer asks when a new card will arrive"),
        new LabelDefinition("lost_or_stolen_card", "the customer reports a lost or stolen card"),
    ]);

    public static IReadOnlyList<Example> NerSeeds() =>
    [
        Ner("Alice Smith moved from Paris to Berlin.", ("Alice Smith", "PER"), ("Paris", "LOC"), ("Berlin", "LOC")),
        Ner("Bob works for Acme Corp in London.", ("Bob", "PER"), ("Acme Corp", "ORG"), ("London", "LOC")),
        Ner("The United Nations met in Geneva.", ("United Nations", "ORG"), ("Geneva", "LOC")),
    ];

    public static IReadOnlyList<Example> IntentSeeds() =>
    [
        new ClassificationExample("When will my new card arrive?", "card_arrival"),
        new ClassificationExample("My card still has not come in the post.", "card_arrival"),
        new ClassificationExample("Someone stole my wallet with my card in it.", "lost_or_stolen_card"),
    ];

    /// <summary>An NER example whose spans are the first occurrences of the given mentions.</summary>
    public static NerExample Ner(string text, params (string Mention, string Label)[] entities) =>
        new(text, entities.Select(e =>
        {
            var start = text.IndexOf(e.Mention, StringComparison.Ordinal);
            if (start < 0) throw new ArgumentException($"'{e.Mention}' is not in '{text}'");
            return new EntitySpan(start, start + e.Mention.Length, e.Label);
        }).OrderBy(s => s.Start).ToList());

    public static LlmEndpointOptions Options(FakeOpenAiServer server, string? cacheFolder = null) => new()
    {
        Endpoint = server.Endpoint,
        Model = "fake-model",
        ApiKey = ApiKey,
        Temperature = 0.7f,
        Timeout = TimeSpan.FromSeconds(10),
        MaxRetries = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromSeconds(2),
        CacheFolder = cacheFolder,
    };

    /// <summary>An NER answer <c>{"examples": [...]}</c> from (text, [(mention, label)]) items.</summary>
    public static string NerAnswer(params (string Text, (string Mention, string Label)[] Entities)[] items) => new JsonObject
    {
        ["examples"] = new JsonArray(items.Select(item => (JsonNode)new JsonObject
        {
            ["text"] = item.Text,
            ["entities"] = new JsonArray(item.Entities.Select(e => (JsonNode)new JsonObject { ["text"] = e.Mention, ["label"] = e.Label }).ToArray()),
        }).ToArray()),
    }.ToJsonString();

    /// <summary>An answer with one distinct, valid NER example per call, so that every call adds an example.</summary>
    public static FakeReply DistinctNerReply(int call) =>
        FakeReply.Completion(NerAnswer(($"Person{call} lives in Town{call}.", [($"Person{call}", "PER"), ($"Town{call}", "LOC")])), 120 + call, 30 + call);
}
