using Locus.Atlas;
using Locus.Atlas.Encoding;
using Locus.Atlas.Model;
using Locus.Atlas.Training;
using static TorchSharp.torch;

namespace Locus.Tests.Atlas;

public sealed class FactorPriorTests
{
    /// <summary>A prior with identity item map (items = query encodings), zero difficulty, prior N(0, I).</summary>
    private static LocusFactorPrior IdentityPrior(int f)
    {
        var prior = new LocusFactorPrior(f, f);
        prior.SetItemMaps(eye(f), zeros(f), zeros(1, f), zeros(1));
        prior.SetAbilityPrior(zeros(f), eye(f));
        return prior;
    }

    [Fact]
    public void TheAbilityIsTheMaximumAPosterioriEstimate()
    {
        using var prior = IdentityPrior(3);
        random.manual_seed(2);
        using var queries = randn(2, 40, 3);
        using var scores = (rand(2, 40) > 0.4).to_type(ScalarType.Float32);
        using var mask = ones(2, 40, dtype: ScalarType.Bool);
        using var theta = prior.EstimateAbility(queries, scores, mask);
        // Stationarity of the log posterior: Aᵀ(s − σ(Aθ)) = Λ(θ − μ) = θ, computed here by hand in double precision.
        var a = queries.to_type(ScalarType.Float64).data<double>().ToArray();
        var s = scores.to_type(ScalarType.Float64).data<double>().ToArray();
        var t = theta.to_type(ScalarType.Float64).data<double>().ToArray();
        for (int b = 0; b < 2; b++)
        {
            var gradient = new double[3];
            for (int i = 0; i < 40; i++)
            {
                double logit = 0;
                for (int k = 0; k < 3; k++) logit += a[(b * 40 + i) * 3 + k] * t[b * 3 + k];
                double residual = s[b * 40 + i] - 1 / (1 + Math.Exp(-logit));
                for (int k = 0; k < 3; k++) gradient[k] += a[(b * 40 + i) * 3 + k] * residual;
            }
            for (int k = 0; k < 3; k++) Assert.True(Math.Abs(gradient[k] - t[b * 3 + k]) < 1e-4, $"row {b} dim {k}: {gradient[k]} vs {t[b * 3 + k]}");
        }
    }

    [Fact]
    public void FewEvaluationsShrinkToThePriorAndManyRecoverTheTruth()
    {
        using var prior = IdentityPrior(2);
        var truth = new[] { 1.5f, -1.0f };
        var rng = new Random(4);
        float[] Draw(int n, out float[] scores)
        {
            var q = Enumerable.Range(0, n * 2).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
            scores = Enumerable.Range(0, n).Select(i => rng.NextDouble() < 1 / (1 + Math.Exp(-(q[2 * i] * truth[0] + q[2 * i + 1] * truth[1]))) ? 1f : 0f).ToArray();
            return q;
        }
        double Error(int n)
        {
            var q = Draw(n, out var s);
            using var theta = prior.EstimateAbility(tensor(q, 1, n, 2), tensor(s, 1, n), ones(1, n, dtype: ScalarType.Bool));
            var t = theta.data<float>().ToArray();
            return Math.Sqrt(Math.Pow(t[0] - truth[0], 2) + Math.Pow(t[1] - truth[1], 2));
        }
        Assert.True(Error(4000) < 0.15, $"4,000 evaluations: error {Error(4000):F3}");
        // No evaluations (all masked): the prior mean.
        using var none = prior.EstimateAbility(randn(1, 5, 2), ones(1, 5), zeros(1, 5, dtype: ScalarType.Bool));
        Assert.True(none.abs().max().item<float>() < 1e-6);
    }

    [Fact]
    public void AnUntrainedNetworkPredictsWhatItsPriorPredicts()
    {
        var (table, _, _) = SyntheticAtlasData.Clusters(3, 60, seed: 8);
        var encoder = CollaborativeQueryEncoder.Fit(table, table.Models, 4);
        var options = new AtlasTrainingOptions { Seed = 3, MaxSteps = 0, Network = LocusNetworkTests.Tiny(4) };
        using var atlas = AtlasTrainer.Train(table, encoder, new AtlasTrainingSplit(table.Models, [], table.Queries, []), options);
        var records = table.RecordsOf(0).ToArray();
        var embedding = atlas.Embed(records);
        var queries = table.Queries.Select(q => atlas.EncodeQuery(q, null)).ToArray();
        var p = atlas.PredictCorrectness([embedding], queries);
        using var theta = tensor(embedding[..3], 1, 3);
        using var x = tensor(queries.SelectMany(q => q).ToArray(), 1, queries.Length, encoder.Dimension);
        using var prior = atlas.Network.prior!.Logits(theta, x).sigmoid().to_type(ScalarType.Float64);
        var expected = prior.data<double>().ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], p[0, i], 6);
        // The fitted prior separates this model's own topic from the others: its correct answers get higher P.
        double right = 0, wrong = 0; int nRight = 0, nWrong = 0;
        foreach (var r in records)
            if (r.Score > 0.5) { right += p[0, table.QueryIndex(r.QueryId)]; nRight++; }
            else { wrong += p[0, table.QueryIndex(r.QueryId)]; nWrong++; }
        Assert.True(right / nRight > wrong / nWrong + 0.3, $"P on correct {right / nRight:F3} vs incorrect {wrong / nWrong:F3}");
    }

    [Fact]
    public void TwentyTrainingRunsInOneProcessDoNotCrash()
    {
        // Stress for the finaliser/Scalar race: many short runs with allocation churn and forced collections in between.
        var (table, _, _) = SyntheticAtlasData.Clusters(3, 60, seed: 6);
        var encoder = CollaborativeQueryEncoder.Fit(table, table.Models.Take(7).ToArray(), 4);
        var split = new AtlasTrainingSplit(table.Models.Take(7).ToArray(), table.Models.Skip(7).ToArray(), table.Queries.Take(48).ToArray(), table.Queries.Skip(48).ToArray());
        for (int seed = 0; seed < 20; seed++)
        {
            var options = new AtlasTrainingOptions { Seed = seed, MaxSteps = 6, EvaluateEvery = 3, ModelsPerStep = 4, SupportMin = 4, SupportMax = 24, TargetsPerEpisode = 16, Network = LocusNetworkTests.Tiny(4) };
            using var atlas = AtlasTrainer.Train(table, encoder, split, options);
            Assert.Equal(9, atlas.Models.Count);
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }
}
