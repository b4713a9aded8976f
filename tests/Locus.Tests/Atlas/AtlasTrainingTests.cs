using Locus.Atlas;
using Locus.Atlas.Data;
using Locus.Atlas.Encoding;
using Locus.Atlas.Training;
using Locus.Atlas.Uses;

namespace Locus.Tests.Atlas;

/// <summary>Trains a tiny atlas on synthetic clustered models once and checks what it learned.</summary>
public sealed class AtlasTrainingFixture : IDisposable
{
    public AtlasTrainingFixture()
    {
        (Table, ModelCluster, QueryTopic) = SyntheticAtlasData.Clusters(modelsPerCluster: 5, queries: 150, seed: 11);
        // Last model of each cluster is "new": never trained on, embedded afterwards.
        NewModels = Table.Models.Skip(Table.Models.Count - 3).ToArray();
        var training = Table.Models.Take(Table.Models.Count - 3).ToArray();
        TrainQueries = Table.Queries.Take(120).ToArray();
        TestQueries = Table.Queries.Skip(120).ToArray();
        var encoder = CollaborativeQueryEncoder.Fit(Table, training, 4);
        var options = new AtlasTrainingOptions
        {
            Seed = 1, MaxSteps = 400, ModelsPerStep = 12, SupportMin = 8, SupportMax = 64, TargetsPerEpisode = 48,
            LearningRate = 3e-3, EvaluateEvery = 100, Network = LocusNetworkTests.Tiny(4),
        };
        Atlas = AtlasTrainer.Train(Table, encoder, new AtlasTrainingSplit(training, [], TrainQueries, []), options);
        foreach (var m in NewModels)
            Atlas.Add(m, Table.RecordsOf(Table.ModelIndex(m)).Where(r => TrainQueries.Contains(r.QueryId)).Take(60).ToArray());
    }

    public EvaluationTable Table { get; }
    public int[] ModelCluster { get; }
    public int[] QueryTopic { get; }
    public string[] NewModels { get; }
    public string[] TrainQueries { get; }
    public string[] TestQueries { get; }
    public ModelAtlas Atlas { get; }

    public void Dispose() => Atlas.Dispose();
}

public sealed class AtlasTrainingTests(AtlasTrainingFixture f) : IClassFixture<AtlasTrainingFixture>
{
    private int Cluster(string model) => f.ModelCluster[f.Table.ModelIndex(model)];

    [Fact]
    public void NearestNeighboursRecoverTheClusters()
    {
        foreach (var model in f.Atlas.Models.Select(m => m.Name))
        {
            var nearest = AtlasGeometry.Neighbors(f.Atlas, model, 3);
            Assert.All(nearest, n => Assert.Equal(Cluster(model), Cluster(n.Model)));
        }
    }

    [Fact]
    public void NeighboursByDisagreementAreTheExpectedShareOfDifferingAnswersAndRecoverTheClusters()
    {
        var encodings = f.TestQueries.Select(q => f.Atlas.EncodeQuery(q, null)).ToArray();
        var model = f.NewModels[0];
        var nearest = AtlasGeometry.NeighborsByDisagreement(f.Atlas, model, 3, encodings);

        Assert.All(nearest, n => Assert.Equal(Cluster(model), Cluster(n.Model)));
        Assert.True(nearest.Zip(nearest.Skip(1)).All(pair => pair.First.Distance <= pair.Second.Distance));
        // By hand for the nearest one: the mean over queries of p(1 - q) + q(1 - p).
        var p = f.Atlas.PredictCorrectness([model, nearest[0].Model], encodings);
        var expected = Enumerable.Range(0, encodings.Length).Average(t => p[0, t] * (1 - p[1, t]) + p[1, t] * (1 - p[0, t]));
        Assert.Equal(expected, nearest[0].Distance, 1e-9);
        Assert.DoesNotContain(nearest, n => n.Model == model);
    }

    [Fact]
    public void RoutingAmongNewModelsBeatsTheBestSingleModel()
    {
        var encodings = f.TestQueries.Select(q => f.Atlas.EncodeQuery(q, null)).ToArray();
        var decisions = QueryRouter.Route(f.Atlas, encodings, new RoutingOptions { AvailableModels = f.NewModels });
        double Actual(string model, string query) => f.Table.Score(f.Table.ModelIndex(model), f.Table.QueryIndex(query));
        double routed = decisions.Average(d => Actual(d.Model, f.TestQueries[d.QueryIndex]));
        double bestSingle = f.NewModels.Max(m => f.TestQueries.Average(q => Actual(m, q)));
        Assert.True(routed > bestSingle + 0.2, $"routed {routed:F3} vs best single {bestSingle:F3}");
        // The router should mostly pick the model whose cluster matches the query topic.
        double matched = decisions.Average(d => Cluster(d.Model) == f.QueryTopic[f.Table.QueryIndex(f.TestQueries[d.QueryIndex])] ? 1.0 : 0.0);
        Assert.True(matched > 0.9, $"topic match {matched:F3}");
    }

    [Fact]
    public void ProxyForAnUnavailableModelComesFromItsCluster()
    {
        var unavailable = f.NewModels[0];
        var available = f.Atlas.Models.Select(m => m.Name).Where(m => m != unavailable && Cluster(m) != 2).ToArray();
        Assert.Equal(Cluster(unavailable), Cluster(AtlasGeometry.Proxy(f.Atlas, unavailable, available).Model));
    }

    [Fact]
    public void PortfolioCoversEveryTopic()
    {
        var encodings = f.TestQueries.Select(q => f.Atlas.EncodeQuery(q, null)).ToArray();
        var portfolio = PortfolioSelector.Select(f.Atlas, 3, encodings);
        Assert.Equal(3, portfolio.Models.Select(Cluster).Distinct().Count());
        Assert.True(portfolio.Coverage >= portfolio.DiverseCoverage);
    }

    [Fact]
    public void TrainingIsDeterministicForASeed()
    {
        Assert.NotNull(f.Atlas.Training);
        Assert.Equal(400, f.Atlas.Training!.Steps);
        // The same seed and data retrain to the same weights: check one embedding against a second tiny run.
        var training = f.Table.Models.Take(4).ToArray();
        var encoder = CollaborativeQueryEncoder.Fit(f.Table, training, 4);
        AtlasTrainingOptions Options() => new() { Seed = 3, MaxSteps = 3, ModelsPerStep = 2, SupportMin = 4, SupportMax = 16, TargetsPerEpisode = 8, Network = LocusNetworkTests.Tiny(4) };
        var split = new AtlasTrainingSplit(training, [], f.TrainQueries, []);
        using var a = AtlasTrainer.Train(f.Table, encoder, split, Options());
        using var b = AtlasTrainer.Train(f.Table, encoder, split, Options());
        Assert.Equal(a.Models[0].Embedding, b.Models[0].Embedding);
    }
}
