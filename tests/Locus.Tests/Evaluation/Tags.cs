using Locus.Evaluation;

namespace Locus.Tests.Evaluation;

/// <summary>Small builders that keep the test data readable.</summary>
internal static class Tags
{
    /// <summary>Sentences from space-separated tags: <c>Sentences("O B-PER I-PER", "B-LOC")</c>.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Sentences(params string[] sentences) =>
        sentences.Select(s => (IReadOnlyList<string>)s.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();

    /// <summary>The extracted entities as "sentence:start-end:type" strings (end exclusive), in extraction order.</summary>
    public static string[] Describe(IEnumerable<EntityKey> entities) =>
        entities.Select(e => $"{e.Example}:{e.Start}-{e.End}:{e.Type}").ToArray();

    public static string[] Default(params string[] sentences) =>
        Describe(ConllChunker.Chunk(Sentences(sentences), suffix: false, new HashSet<string>()));

    public static string[] Strict(TaggingScheme scheme, params string[] sentences) =>
        Describe(StrictChunker.Chunk(Sentences(sentences), scheme, suffix: false));

    public static EntityReport Score(string[] gold, string[] predicted, EntityEvaluationOptions? options = null) =>
        EntityMetrics.Evaluate(Sentences(gold), Sentences(predicted), options);

    public static EntityEvaluationOptions StrictMode(TaggingScheme scheme) => new() { Mode = EntityEvaluationMode.Strict, Scheme = scheme };
}
