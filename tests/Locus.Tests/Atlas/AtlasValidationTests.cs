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
}
