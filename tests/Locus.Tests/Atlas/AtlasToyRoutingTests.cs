using Locus.Atlas.Encoding;
using Locus.Atlas.Training;
using Locus.Atlas.Uses;

namespace Locus.Tests.Atlas;

public sealed class AtlasToyRoutingTests
{
    /// <summary>
    /// Two clusters of models with equal overall accuracy: cluster A is right exactly on topic-A queries, cluster B on
    /// topic-B queries. Only which queries a model got right tells the clusters apart, so a set encoder that cannot see
    /// the score-query interaction routes no better than chance (0.5); a working atlas routes almost perfectly.
    /// </summary>
    [Fact]
    public void ComplementaryClustersAreRoutedAlmostPerfectly()
    {
        var (table, cluster, topic) = SyntheticAtlasData.Clusters(modelsPerCluster: 4, queries: 80, seed: 2, high: 1, low: 0, clusters: 2);
        var newModels = table.Models.Skip(6).ToArray();
        var training = table.Models.Take(6).ToArray();
        var trainQueries = table.Queries.Take(60).ToArray();
        var testQueries = table.Queries.Skip(60).ToArray();
        var encoder = CollaborativeQueryEncoder.Fit(table, training, 2);
        var options = new AtlasTrainingOptions
        {
            Seed = 1, MaxSteps = 150, ModelsPerStep = 6, SupportMin = 8, SupportMax = 32, TargetsPerEpisode = 24,
            LearningRate = 3e-3, EvaluateEvery = 50, Network = LocusNetworkTests.Tiny(2),
        };
        using var atlas = AtlasTrainer.Train(table, encoder, new AtlasTrainingSplit(training, [], trainQueries, []), options);
        foreach (var m in newModels)
            atlas.Add(m, table.RecordsOf(table.ModelIndex(m)).Where(r => trainQueries.Contains(r.QueryId)).Take(20).ToArray());

        var decisions = QueryRouter.Route(atlas, testQueries.Select(q => atlas.EncodeQuery(q, null)).ToArray(), new RoutingOptions { AvailableModels = newModels });
        double matched = decisions.Average(d => cluster[table.ModelIndex(d.Model)] == topic[table.QueryIndex(testQueries[d.QueryIndex])] ? 1.0 : 0.0);
        Assert.True(matched >= 0.95, $"routed to the right cluster on {matched:P0} of queries");
    }
}
