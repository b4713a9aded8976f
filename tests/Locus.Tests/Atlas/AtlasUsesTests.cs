using Locus.Atlas.Bench;
using Locus.Atlas.Encoding;
using Locus.Atlas.Training;
using Locus.Atlas.Uses;

namespace Locus.Tests.Atlas;

public sealed class AtlasUsesTests
{
    [Fact]
    public void RouterMaximisesProbabilityMinusWeightedCost()
    {
        var p = new double[,] { { 0.9, 0.5 }, { 0.8, 0.6 } };
        Assert.Equal([0, 1], QueryRouter.Choose(p));
        // Model 0 costs 1, model 1 costs 0: with λ = 0.2, 0.9 - 0.2 < 0.8, so query 0 moves to model 1.
        Assert.Equal([1, 1], QueryRouter.Choose(p, [1.0, 0.0], 0.2));
    }

    [Fact]
    public void CoverageIsMeanOfBestProbability()
    {
        var p = new double[,] { { 0.9, 0.1, 0.5 }, { 0.2, 0.8, 0.5 } };
        Assert.Equal((0.9 + 0.8 + 0.5) / 3, PortfolioSelector.Coverage(p, [0, 1]), 12);
        Assert.Equal((0.9 + 0.1 + 0.5) / 3, PortfolioSelector.Coverage(p, [0]), 12);
    }

    [Fact]
    public void MetricsMatchHandComputedValues()
    {
        // Positives score 0.8 and 0.4, negatives 0.3 and 0.4: pairs (0.8>0.3, 0.8>0.4, 0.4>0.3, 0.4=0.4 -> half) = 3.5/4.
        Assert.Equal(0.875, BenchMetrics.Auc([0.8, 0.4, 0.3, 0.4], [1, 1, 0, 0]), 12);
        Assert.Equal(0.75, BenchMetrics.Accuracy([0.8, 0.4, 0.3, 0.6], [1, 0, 0, 0]), 12);
        Assert.Equal(1.0, BenchMetrics.Pearson([1, 2, 3], [2, 4, 6]), 12);
        Assert.Equal(1.0, BenchMetrics.Spearman([1, 2, 3], [1, 10, 100]), 12);
        Assert.Equal([1.5, 1.5, 3], BenchMetrics.Ranks([5, 5, 7]));
        var (mean, std, n) = BenchMetrics.MeanStd([1, 3, double.NaN]);
        Assert.Equal((2.0, Math.Sqrt(2), 2), (mean, std, n));
    }

    [Fact]
    public void MdsPreservesDistancesOfPlanarPoints()
    {
        var points = new[] { new float[] { 0, 0, 0 }, new float[] { 3, 0, 0 }, new float[] { 0, 4, 0 }, new float[] { 3, 4, 0 } };
        var xy = Projection2D.Mds(points);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
            {
                var d2 = Math.Sqrt(Math.Pow(xy[i, 0] - xy[j, 0], 2) + Math.Pow(xy[i, 1] - xy[j, 1], 2));
                Assert.Equal(AtlasGeometry.Distance(points[i], points[j]), d2, 4);
            }
        var pca = Projection2D.Pca(points);
        Assert.Equal(5.0, Math.Sqrt(Math.Pow(pca[0, 0] - pca[3, 0], 2) + Math.Pow(pca[0, 1] - pca[3, 1], 2)), 4);
    }

    [Fact]
    public void SplitFilesRejectUnknownIdsAndLeakedProbes()
    {
        var (table, _, _) = SyntheticAtlasData.Clusters(3, 40, seed: 2);
        var split = BenchSplit.Generate(table, seed: 5);
        split.Validate(table, "split.json");
        Assert.Equal(table.Queries.Count, split.TrainQueries.Count + split.ValidationQueries.Count + split.TestQueries.Count);
        split.Probes[table.Models[0]].Add(split.TestQueries[0]);
        Assert.Contains("is not a training query", Assert.Throws<DataFormatException>(() => split.Validate(table, "split.json")).Message);
        split.Probes[table.Models[0]].RemoveAt(split.Probes[table.Models[0]].Count - 1);
        split.HeldOutModels.Add("ghost");
        Assert.Contains("unknown model 'ghost'", Assert.Throws<DataFormatException>(() => split.Validate(table, "split.json")).Message);
    }

    [Fact]
    public void AnExternalSplitNeedsProbesOnlyForHeldOutModelsAndPredictsTheWholePool()
    {
        var (table, _, _) = SyntheticAtlasData.Clusters(3, 40, seed: 2);
        var split = BenchSplit.Generate(table, seed: 5);
        foreach (var model in table.Models.Except(split.HeldOutModels)) split.Probes.Remove(model);
        split.Validate(table, "split.json");
        split.Probes.Remove(split.HeldOutModels[0]);
        Assert.Contains($"no probe list for held-out model '{split.HeldOutModels[0]}'", Assert.Throws<DataFormatException>(() => split.Validate(table, "split.json")).Message);

        var external = BenchSplit.Generate(table, seed: 5);
        foreach (var model in table.Models.Except(external.HeldOutModels)) external.Probes.Remove(model);
        var path = Path.Combine(Path.GetTempPath(), $"locus-predictions-{Guid.NewGuid():N}.jsonl");
        try
        {
            var options = new AtlasBenchOptions
            {
                Splits = [external], Ks = [8], PredictionsPath = path, Encoding = QueryEncodingKind.Collaborative, EncodingDimension = 3,
                Training = new AtlasTrainingOptions { MaxSteps = 2, SupportMin = 4, SupportMax = 16, TargetsPerEpisode = 8, Network = LocusNetworkTests.Tiny(4) },
            };
            var report = AtlasBenchmark.Run(table, options);
            Assert.Contains(report.Measurements, m => m.Metric == "routing_accuracy_all" && m.Method == "locus");
            var rows = File.ReadLines(path).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).Where(r => r.GetProperty("method").GetString() == "locus").ToArray();
            var pool = table.Models.Except(external.ValidationModels).ToHashSet();
            Assert.Equal(pool, rows.Select(r => r.GetProperty("model").GetString()!).ToHashSet());
            Assert.Equal(pool.Count * external.TestQueries.Count, rows.Length);
        }
        finally { File.Delete(path); }
    }
}
