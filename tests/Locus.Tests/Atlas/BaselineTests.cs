using Locus.Atlas.Baselines;

namespace Locus.Tests.Atlas;

public sealed class BaselineTests
{
    private static double Corr(IReadOnlyList<double> x, IReadOnlyList<double> y) => Locus.Atlas.Bench.BenchMetrics.Pearson(x, y);

    /// <summary>Draws 0/1 scores from P = sigmoid(theta_m . a_q + d_q).</summary>
    private static (double[,] Scores, double[,] P) Sample(double[][] theta, double[][] a, double[] d, int seed)
    {
        var rng = new Random(seed);
        var s = new double[theta.Length, d.Length];
        var p = new double[theta.Length, d.Length];
        for (int m = 0; m < theta.Length; m++)
            for (int q = 0; q < d.Length; q++)
            {
                double logit = d[q];
                for (int k = 0; k < theta[m].Length; k++) logit += theta[m][k] * a[q][k];
                p[m, q] = 1 / (1 + Math.Exp(-logit));
                s[m, q] = rng.NextDouble() < p[m, q] ? 1 : 0;
            }
        return (s, p);
    }

    private static double Normal(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    private static (double[][] Theta, double[][] A, double[] D) Parameters(int models, int queries, int dim, int seed)
    {
        var r = new Random(seed);
        var theta = Enumerable.Range(0, models).Select(_ => Enumerable.Range(0, dim).Select(_ => Normal(r)).ToArray()).ToArray();
        var a = Enumerable.Range(0, queries).Select(_ => Enumerable.Range(0, dim).Select(_ => 0.8 + 1.2 * r.NextDouble()).ToArray()).ToArray();
        var d = Enumerable.Range(0, queries).Select(_ => Normal(r)).ToArray();
        return (theta, a, d);
    }

    private static ProbeSet AllProbes(double[,] scores, int m) =>
        new(Enumerable.Range(0, scores.GetLength(1)).ToArray(), Enumerable.Range(0, scores.GetLength(1)).Select(q => (float)scores[m, q]).ToArray());

    [Fact]
    public void Irt2plRecoversAbilitiesDifficultiesAndNewModelAbility()
    {
        const int train = 60, fresh = 8, queries = 250;
        var (theta, a, d) = Parameters(train + fresh, queries, 1, seed: 4);
        var (scores, _) = Sample(theta, a, d, seed: 5);
        var encodings = Enumerable.Range(0, queries).Select(_ => new float[] { 0 }).ToArray();
        var irt = new LogisticFactorBaseline(FactorModelKind.Irt, 1, seed: 0);
        irt.Fit(new BaselineContext(scores, encodings, Enumerable.Range(0, train).ToArray(), Enumerable.Range(0, queries).ToArray()));
        // 2PL is identified up to the sign of theta: compare |correlation|.
        var fitted = Enumerable.Range(0, train).Select(m => (double)irt.TrainingAbilities![m, 0]).ToArray();
        Assert.True(Math.Abs(Corr(fitted, theta.Take(train).Select(t => t[0]).ToArray())) > 0.9);
        Assert.True(Corr(irt.Intercepts!.Select(x => (double)x).ToArray(), d) > 0.85);
        var newAbilities = irt.FitNewModelAbilities(Enumerable.Range(train, fresh).Select(m => AllProbes(scores, m)).ToArray());
        var estimated = Enumerable.Range(0, fresh).Select(i => (double)newAbilities[i, 0]).ToArray();
        Assert.True(Math.Abs(Corr(estimated, theta.Skip(train).Select(t => t[0]).ToArray())) > 0.9);
    }

    [Theory]
    [InlineData(FactorModelKind.Irt)]
    [InlineData(FactorModelKind.MatrixFactorisation)]
    public void MultidimensionalModelsPredictHeldOutCorrectness(FactorModelKind kind)
    {
        const int train = 60, fresh = 6, queries = 240, dim = 2;
        var (theta, a, d) = Parameters(train + fresh, queries, dim, seed: 7);
        // Query encodings carry the true query parameters, as a perfect encoder would (the MF baseline maps them).
        var encodings = Enumerable.Range(0, queries).Select(q => a[q].Select(x => (float)x).Append((float)d[q]).ToArray()).ToArray();
        var (scores, p) = Sample(theta, a, d, seed: 8);
        var method = new LogisticFactorBaseline(kind, dim, seed: 0);
        method.Fit(new BaselineContext(scores, encodings, Enumerable.Range(0, train).ToArray(), Enumerable.Range(0, queries).ToArray()));
        var probeQueries = Enumerable.Range(0, 160).ToArray();
        var targets = Enumerable.Range(160, 80).ToArray();
        var probes = Enumerable.Range(train, fresh).Select(m => new ProbeSet(probeQueries, probeQueries.Select(q => (float)scores[m, q]).ToArray())).ToArray();
        var predicted = method.PredictNewModels(probes, targets);
        var pred = new List<double>();
        var truth = new List<double>();
        for (int i = 0; i < fresh; i++)
            foreach (var (t, j) in targets.Select((t, j) => (t, j))) { pred.Add(predicted[i, j]); truth.Add(p[train + i, t]); }
        Assert.True(Corr(pred, truth) > 0.8, $"{method.Name}: correlation with true P {Corr(pred, truth):F3}");
    }

    [Fact]
    public void KnnRouterAveragesTheNearestProbes()
    {
        // Two query clusters on orthogonal axes; the model is right on cluster A only.
        var encodings = Enumerable.Range(0, 20).Select(q => q < 10 ? new float[] { 1, 0.01f * q } : new float[] { 0.01f * q, 1 }).ToArray();
        var knn = new KnnRouterBaseline(neighbours: 3);
        knn.Fit(new BaselineContext(new double[1, 20], encodings, [], []));
        var probes = new ProbeSet([0, 1, 2, 10, 11, 12], [1, 1, 1, 0, 0, 0]);
        var p = knn.PredictNewModels([probes], [5, 15]);
        Assert.Equal(1.0, p[0, 0]);
        Assert.Equal(0.0, p[0, 1]);
    }

    [Fact]
    public void BestSingleBaselinePredictsTheProbeMean()
    {
        var p = new ModelMeanBaseline().PredictNewModels([new ProbeSet([0, 1, 2, 3], [1, 0, 1, 1])], [7, 8]);
        Assert.Equal(0.75, p[0, 0]);
        Assert.Equal(0.75, p[0, 1]);
    }
}
