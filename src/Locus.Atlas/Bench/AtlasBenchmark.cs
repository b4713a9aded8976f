using System.Diagnostics;
using System.Text.Json;
using Locus.Atlas.Baselines;
using Locus.Atlas.Data;
using Locus.Atlas.Encoding;
using Locus.Atlas.Training;
using Locus.Atlas.Uses;

namespace Locus.Atlas.Bench;

/// <summary>
/// Sample-efficiency benchmark: per seed, split queries and models, train LOCUS and fit the baselines on the training
/// models, then for each k embed/fit every held-out model from its first k probes and measure correctness prediction
/// (accuracy, AUC) on test queries, routing accuracy over the held-out pool, and for LOCUS the geometry of the atlas.
/// </summary>
public static class AtlasBenchmark
{
    /// <summary>Runs the benchmark; <paramref name="progress"/> receives one line per stage.</summary>
    public static AtlasBenchReport Run(EvaluationTable table, AtlasBenchOptions options, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var splits = options.Splits ?? options.Seeds.Select(s => BenchSplit.Generate(table, s, heldOutModelFraction: options.HeldOutModelFraction, validationModelFraction: options.ValidationModelFraction)).ToArray();
        var report = new AtlasBenchReport { Models = table.Models.Count, Queries = table.Queries.Count, Seeds = splits.Select(s => s.Seed).ToList(), Ks = options.Ks.ToList() };
        using var predictions = options.PredictionsPath is null ? null : new PredictionWriter(options.PredictionsPath);
        var scores = ScoreMatrix(table);
        foreach (var split in splits)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var trainingModels = split.TrainingModels(table);
            var encoder = QueryEncoderFactory.Fit(table, trainingModels, options.Encoding, options.EncodingDimension, options.CacheDirectory, options.SentenceEncoderIndex, options.QueryEncodingsPath);
            report.Encoding = encoder.Kind;
            var encodings = table.Queries.Select(q => encoder.Encode(q, table.QueryTexts.GetValueOrDefault(q))).ToArray();
            // Training models' answers to every query are known (the collaborative encoding uses them too); only the new
            // models' answers outside their probes are hidden.
            var context = new BaselineContext(scores, encodings, trainingModels.Select(table.ModelIndex).ToArray(), Enumerable.Range(0, table.Queries.Count).ToArray());
            var training = options.Training.WithSeed(split.Seed);
            var trainingSplit = new AtlasTrainingSplit(trainingModels, split.ValidationModels, split.TrainQueries, split.ValidationQueries);
            using var locus = new LocusAtlasMethod(table, encoder, trainingSplit, training,
                new SynchronousProgress<AtlasTrainingProgress>(p => progress?.Report($"seed {split.Seed}: step {p.Step} train BCE {p.TrainingLoss:F4} validation BCE {p.ValidationLoss:F4} (best step {p.BestStep})")));
            // Ablation: the same atlas without episodic training (the item-response prior alone, set part untrained).
            using var priorOnly = training.Network.FactorDim > 0 ? new LocusAtlasMethod(table, encoder, trainingSplit, training.WithMaxSteps(0), name: "locus-prior") : null;
            var methods = new ICorrectnessMethod?[]
            {
                locus,
                priorOnly,
                new LogisticFactorBaseline(FactorModelKind.MatrixFactorisation, options.FactorDimension, split.Seed),
                new LogisticFactorBaseline(FactorModelKind.Irt, 1, split.Seed),
                new LogisticFactorBaseline(FactorModelKind.Irt, options.FactorDimension, split.Seed),
                new KnnRouterBaseline(),
                new ModelMeanBaseline(),
            }.OfType<ICorrectnessMethod>().ToArray();
            foreach (var method in methods)
            {
                var started = Stopwatch.StartNew();
                method.Fit(context);
                progress?.Report($"seed {split.Seed}: fitted {method.Name} in {started.Elapsed.TotalSeconds:F1} s");
            }
            report.Training.Add(locus.Atlas!.Training!);

            var heldOut = split.HeldOutModels.Select(table.ModelIndex).ToArray();
            var test = split.TestQueries.Select(table.QueryIndex).ToArray();
            // The routing pool of a deployment holds the training models too: every method predicts them from all their
            // training-query evaluations, the same way it predicts a new model from its probes.
            var trainRows = trainingModels.Select(table.ModelIndex).ToArray();
            var trainQueries = split.TrainQueries.Select(table.QueryIndex).ToArray();
            var trainProbes = trainingModels.Select(m => Known(table, m, trainQueries)).ToArray();
            var trainPredictions = methods.ToDictionary(m => m.Name, m => m.PredictNewModels(trainProbes, test));
            var pool = trainRows.Concat(heldOut).ToArray();
            int fewestProbes = split.HeldOutModels.Min(m => split.Probes[m].Count);
            foreach (var k in options.Ks)
            {
                if (k > fewestProbes)
                {
                    if (!report.SkippedKs.Contains(k)) report.SkippedKs.Add(k);
                    continue;
                }
                var probes = split.HeldOutModels.Select(m => Probes(table, split, m, k)).ToArray();
                foreach (var method in methods)
                {
                    var p = method.PredictNewModels(probes, test);
                    Score(report, split.Seed, method.Name, k, p, scores, heldOut, test);
                    var all = Stack(trainPredictions[method.Name], p);
                    report.Measurements.Add(new BenchMeasurement(split.Seed, method.Name, k, "routing_accuracy_all", Routing(all, scores, pool, test)));
                    predictions?.Write(split.Seed, k, method.Name, [.. trainingModels, .. split.HeldOutModels], split.TestQueries, all);
                }
                report.Measurements.Add(new BenchMeasurement(split.Seed, "oracle", k, "routing_accuracy", OracleRouting(scores, heldOut, test)));
                report.Measurements.Add(new BenchMeasurement(split.Seed, "oracle", k, "routing_accuracy_all", OracleRouting(scores, pool, test)));
                Geometry(report, split, k, table, locus, scores, test);
                progress?.Report($"seed {split.Seed}: k={k} done");
            }
        }
        report.Seconds = clock.Elapsed.TotalSeconds;
        report.Summarise();
        return report;
    }

    private static void Score(AtlasBenchReport report, int seed, string method, int k, double[,] p, double[,] scores, int[] models, int[] test)
    {
        var predicted = new List<double>();
        var actual = new List<double>();
        for (int m = 0; m < models.Length; m++)
            for (int t = 0; t < test.Length; t++)
            {
                var s = scores[models[m], test[t]];
                if (double.IsNaN(s)) continue;
                predicted.Add(p[m, t]);
                actual.Add(s);
            }
        report.Measurements.Add(new BenchMeasurement(seed, method, k, "correctness_accuracy", BenchMetrics.Accuracy(predicted, actual)));
        report.Measurements.Add(new BenchMeasurement(seed, method, k, "correctness_auc", BenchMetrics.Auc(predicted, actual)));
        report.Measurements.Add(new BenchMeasurement(seed, method, k, "routing_accuracy", Routing(p, scores, models, test)));
    }

    /// <summary>Mean score of the model with the highest predicted P(correct) per test query (p rows follow <paramref name="models"/>).</summary>
    private static double Routing(double[,] p, double[,] scores, int[] models, int[] test)
    {
        double routed = 0;
        int queries = 0;
        for (int t = 0; t < test.Length; t++)
        {
            int best = -1;
            for (int m = 0; m < models.Length; m++)
                if (!double.IsNaN(scores[models[m], test[t]]) && (best < 0 || p[m, t] > p[best, t])) best = m;
            if (best < 0) continue;
            routed += scores[models[best], test[t]];
            queries++;
        }
        return routed / Math.Max(queries, 1);
    }

    /// <summary>Rows of <paramref name="top"/> then rows of <paramref name="bottom"/>.</summary>
    private static double[,] Stack(double[,] top, double[,] bottom)
    {
        int a = top.GetLength(0), b = bottom.GetLength(0), n = top.GetLength(1);
        var r = new double[a + b, n];
        for (int i = 0; i < a; i++) for (int j = 0; j < n; j++) r[i, j] = top[i, j];
        for (int i = 0; i < b; i++) for (int j = 0; j < n; j++) r[a + i, j] = bottom[i, j];
        return r;
    }

    /// <summary>All evaluations of <paramref name="model"/> on <paramref name="queries"/> as a probe set.</summary>
    private static ProbeSet Known(EvaluationTable table, string model, int[] queries)
    {
        int m = table.ModelIndex(model);
        var known = queries.Where(q => table.Has(m, q)).ToArray();
        return new ProbeSet(known, known.Select(q => (float)table.Score(m, q)).ToArray());
    }

    private static double OracleRouting(double[,] scores, int[] models, int[] test)
    {
        double sum = 0;
        int n = 0;
        foreach (var q in test)
        {
            var known = models.Select(m => scores[m, q]).Where(s => !double.IsNaN(s)).ToArray();
            if (known.Length == 0) continue;
            sum += known.Max();
            n++;
        }
        return sum / Math.Max(n, 1);
    }

    /// <summary>
    /// Every model embedded from its first k probes; pairwise embedding distance against correctness disagreement on the
    /// test queries (Pearson, Spearman), and the agreement of each model with its nearest neighbour.
    /// </summary>
    private static void Geometry(AtlasBenchReport report, BenchSplit split, int k, EvaluationTable table, LocusAtlasMethod locus, double[,] scores, int[] test)
    {
        var models = table.Models.Where(m => split.ProbeOrder(table, m).Count >= Math.Min(k, 1)).ToArray();
        var embeddings = models.Select(m => locus.Embed(Probes(table, split, m, k))).ToArray();
        var rows = models.Select(table.ModelIndex).ToArray();
        var distance = AtlasGeometry.DistanceMatrix(embeddings);
        var dist = new List<double>();
        var disagreement = new List<double>();
        var disagree = new double[models.Length, models.Length];
        for (int i = 0; i < models.Length; i++)
            for (int j = i + 1; j < models.Length; j++)
            {
                double sum = 0; int n = 0;
                foreach (var q in test)
                {
                    double a = scores[rows[i], q], b = scores[rows[j], q];
                    if (double.IsNaN(a) || double.IsNaN(b)) continue;
                    sum += Math.Abs(a - b);
                    n++;
                }
                disagree[i, j] = disagree[j, i] = n == 0 ? double.NaN : sum / n;
                if (n == 0) continue;
                dist.Add(distance[i, j]);
                disagreement.Add(disagree[i, j]);
            }
        report.Measurements.Add(new BenchMeasurement(split.Seed, "locus", k, "distance_disagreement_pearson", BenchMetrics.Pearson(dist, disagreement)));
        report.Measurements.Add(new BenchMeasurement(split.Seed, "locus", k, "distance_disagreement_spearman", BenchMetrics.Spearman(dist, disagreement)));
        var profiles = locus.Atlas!.PredictCorrectness(embeddings, test.Select(q => locus.Encoding(q)).ToArray());
        var profileDist = new List<double>();
        var predictedDisagreement = new List<double>();
        for (int i = 0; i < models.Length; i++)
            for (int j = i + 1; j < models.Length; j++)
            {
                if (double.IsNaN(disagree[i, j])) continue;
                double s2 = 0;
                for (int t = 0; t < test.Length; t++) { double d = profiles[i, t] - profiles[j, t]; s2 += d * d; }
                profileDist.Add(Math.Sqrt(s2 / test.Length));
                // Even identical profiles disagree where neither model is sure, which a distance between profiles cannot express.
                predictedDisagreement.Add(AtlasGeometry.ExpectedDisagreement(profiles, i, j));
            }
        report.Measurements.Add(new BenchMeasurement(split.Seed, "locus", k, "profile_disagreement_pearson", BenchMetrics.Pearson(profileDist, disagreement)));
        report.Measurements.Add(new BenchMeasurement(split.Seed, "locus", k, "predicted_disagreement_pearson", BenchMetrics.Pearson(predictedDisagreement, disagreement)));
        var agreement = Enumerable.Range(0, models.Length).Select(i =>
        {
            int nearest = Enumerable.Range(0, models.Length).Where(j => j != i).MinBy(j => distance[i, j]);
            return 1 - disagree[i, nearest];
        });
        report.Measurements.Add(new BenchMeasurement(split.Seed, "locus", k, "nearest_neighbour_agreement", agreement.Where(double.IsFinite).Average()));
    }

    // Probe lists hold evaluated queries only (validated), so Known keeps all k of them in order.
    private static ProbeSet Probes(EvaluationTable table, BenchSplit split, string model, int k) =>
        Known(table, model, split.ProbeOrder(table, model).Take(k).Select(table.QueryIndex).ToArray());

    private static double[,] ScoreMatrix(EvaluationTable table)
    {
        var s = new double[table.Models.Count, table.Queries.Count];
        for (int m = 0; m < table.Models.Count; m++)
            for (int q = 0; q < table.Queries.Count; q++) s[m, q] = table.Score(m, q);
        return s;
    }

    /// <summary>Streams predictions as JSONL through a temporary file renamed on dispose.</summary>
    private sealed class PredictionWriter(string path) : IDisposable
    {
        private readonly StreamWriter _writer = new(path + ".tmp");

        public void Write(int seed, int k, string method, IReadOnlyList<string> models, IReadOnlyList<string> queries, double[,] p)
        {
            for (int m = 0; m < models.Count; m++)
                for (int q = 0; q < queries.Count; q++)
                    _writer.WriteLine(JsonSerializer.Serialize(new { seed, k, method, model = models[m], query_id = queries[q], p = Math.Round(p[m, q], 6) }, LocusJson.Compact));
        }

        public void Dispose()
        {
            _writer.Dispose();
            File.Move(path + ".tmp", path, overwrite: true);
        }
    }
}
