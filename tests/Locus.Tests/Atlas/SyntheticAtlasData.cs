using Locus.Atlas.Data;

namespace Locus.Tests.Atlas;

/// <summary>
/// Synthetic evaluations from a known latent model: queries belong to one of <c>clusters</c> topics and models to one of
/// the same number of clusters; a model answers queries of its own topic correctly with probability <c>high</c> and
/// others with <c>low</c>. Query texts name the topic so LSA can separate topics too.
/// </summary>
internal static class SyntheticAtlasData
{
    private static readonly string[][] TopicWords =
    [
        ["chemistry", "molecule", "reaction", "acid", "bond"],
        ["poetry", "verse", "rhyme", "stanza", "sonnet"],
        ["python", "code", "function", "compile", "loop"],
    ];

    public static (EvaluationTable Table, int[] ModelCluster, int[] QueryTopic) Clusters(int modelsPerCluster, int queries, int seed, double high = 0.9, double low = 0.15, int clusters = 3)
    {
        var rng = new Random(seed);
        var builder = new EvaluationTableBuilder();
        var topic = Enumerable.Range(0, queries).Select(q => q % clusters).ToArray();
        var modelCluster = Enumerable.Range(0, clusters * modelsPerCluster).Select(m => m % clusters).ToArray();
        var texts = topic.Select((t, q) => string.Join(' ', Enumerable.Range(0, 6).Select(_ => TopicWords[t][rng.Next(5)])) + $" item{q}").ToArray();
        for (int m = 0; m < modelCluster.Length; m++)
            for (int q = 0; q < queries; q++)
            {
                var p = modelCluster[m] == topic[q] ? high : low;
                builder.Add(new EvaluationRecord($"m{m}-c{modelCluster[m]}", $"q{q}", rng.NextDouble() < p ? 1 : 0, texts[q], Cost: 1 + modelCluster[m]));
            }
        return (builder.Build(), modelCluster, topic);
    }
}
