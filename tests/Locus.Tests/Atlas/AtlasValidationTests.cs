using Locus.Atlas.Encoding;
using Locus.Atlas.Training;

namespace Locus.Tests.Atlas;

public sealed class AtlasValidationTests
{
    [Fact]
    public void WithoutValidationModelsTrainingModelsAreNeverUsedToStopEarly()
    {
        var (table, _, _) = SyntheticAtlasData.Clusters(3, 60, seed: 6);
        var encoder = CollaborativeQueryEncoder.Fit(table, table.Models, 4);
        var options = new AtlasTrainingOptions { Seed = 1, MaxSteps = 12, EvaluateEvery = 3, Patience = 1, ModelsPerStep = 4, SupportMin = 4, SupportMax = 24, TargetsPerEpisode = 16, Network = LocusNetworkTests.Tiny(encoder.Dimension) };
        var split = new AtlasTrainingSplit(table.Models, [], table.Queries.Take(48).ToArray(), table.Queries.Skip(48).ToArray());
        using var atlas = AtlasTrainer.Train(table, encoder, split, options);
        Assert.Null(atlas.Training!.BestValidationLoss);
        Assert.Equal(12, atlas.Training.Steps);

        // With a held-out validation model, early stopping watches it.
        var held = new AtlasTrainingSplit(table.Models.Skip(1).ToArray(), [table.Models[0]], split.TrainingQueries, split.ValidationQueries);
        using var validated = AtlasTrainer.Train(table, encoder, held, options);
        Assert.NotNull(validated.Training!.BestValidationLoss);
    }

    [Fact]
    public void ThePriorShapeIsChosenOnlyWithEnoughValidationModels()
    {
        var (table, _, _) = SyntheticAtlasData.Clusters(4, 60, seed: 6);
        var encoder = CollaborativeQueryEncoder.Fit(table, table.Models, 4);
        var network = LocusNetworkTests.Tiny(encoder.Dimension).WithFactorDim(4);
        var options = new AtlasTrainingOptions { Seed = 1, MaxSteps = 0, Network = network };
        var queries = (Train: table.Queries.Take(48).ToArray(), Validation: table.Queries.Skip(48).ToArray());

        // Two validation models: too few to choose, so the configured shape and the default bias prior.
        var few = new AtlasTrainingSplit(table.Models.Skip(2).ToArray(), table.Models.Take(2).ToArray(), queries.Train, queries.Validation);
        using (var atlas = AtlasTrainer.Train(table, encoder, few, options))
        {
            Assert.Equal(4, atlas.Training!.PriorFactors);
            Assert.Equal(AtlasTrainingOptions.DefaultBiasVarianceFactor, atlas.Training.PriorBiasVarianceFactor);
        }

        // Five: a candidate is chosen (F among 2 and the configured 4, bias prior among 1 and 100), the embedding keeps its length.
        var enough = new AtlasTrainingSplit(table.Models.Skip(5).ToArray(), table.Models.Take(5).ToArray(), queries.Train, queries.Validation);
        using var chosen = AtlasTrainer.Train(table, encoder, enough, options);
        Assert.Contains(chosen.Training!.PriorFactors!.Value, new[] { 2, 4 });
        Assert.Contains(chosen.Training.PriorBiasVarianceFactor!.Value, new[] { 1.0, 100.0 });
        Assert.Equal(network.EmbeddingDim, chosen.Models[0].Embedding.Length);
        Assert.Equal(chosen.Training.PriorFactors, chosen.Network.Config.FactorDim);
    }
}
