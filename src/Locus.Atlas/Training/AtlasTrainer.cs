using System.Diagnostics;
using Locus.Atlas.Data;
using Locus.Atlas.Encoding;
using Locus.Atlas.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Locus.Atlas.Training;

/// <summary>
/// Trains the LOCUS encoder and predictor jointly by episodes: for a training model, a random support subset of its
/// evaluations is encoded into z, and the predictor is scored by binary cross-entropy on other queries of the same
/// model. Early stopping watches validation models; the best weights are kept.
/// </summary>
public static class AtlasTrainer
{
    /// <summary>Trains on a background thread; see <see cref="Train"/>.</summary>
    public static Task<ModelAtlas> TrainAsync(EvaluationTable table, IQueryEncoder encoder, AtlasTrainingSplit split, AtlasTrainingOptions options, IProgress<AtlasTrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Task.Run(() => Train(table, encoder, split, options, progress, cancellationToken), cancellationToken);

    /// <summary>Trains an atlas and places the training and validation models in it (embedded from their training-query evaluations).</summary>
    public static ModelAtlas Train(EvaluationTable table, IQueryEncoder encoder, AtlasTrainingSplit split, AtlasTrainingOptions options, IProgress<AtlasTrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (split.TrainingModels.Count == 0) throw new LocusException("no training models");
        var clock = Stopwatch.StartNew();
        var trainQueries = split.TrainingQueries.Select(table.QueryIndex).ToArray();
        var valQueries = split.ValidationQueries.Select(table.QueryIndex).ToArray();
        var training = split.TrainingModels.Select(m => ModelEvaluations.Of(table, m, trainQueries)).ToArray();
        foreach (var t in training)
            if (t.Queries.Length < 2) throw new LocusException($"training model '{t.Model}' has {t.Queries.Length} evaluations on training queries; at least 2 are needed");

        var config = options.Network.WithQueryDim(encoder.Dimension);
        using var encodings = EncodeAll(table, encoder);
        // The prior learns the item map from every answer of the training models (what the baselines fit on too); only
        // the models held out for validation stay unseen, so validation still measures new-model quality. Validation
        // never uses the training models: their answers are inside collaborative query encodings, so their validation
        // loss keeps falling while new models get worse. Without validation models there is no early stopping.
        var allQueries = Enumerable.Range(0, table.Queries.Count).ToArray();
        var priorTraining = split.TrainingModels.Select(m => ModelEvaluations.Of(table, m, allQueries)).ToArray();
        var validationPools = valQueries.Length == 0 ? [] : split.ValidationModels
            .Select(m => (Pool: ModelEvaluations.Of(table, m, trainQueries), Target: ModelEvaluations.Of(table, m, valQueries)))
            .Where(v => v.Pool.Queries.Length > 0 && v.Target.Queries.Length > 0).ToArray();
        var priorShape = config.FactorDim == 0 ? null
            : (options.SelectPrior ? PriorSelection.Choose(encodings, priorTraining, validationPools, config.FactorDim, options.Seed) : null)
              ?? new PriorSelection.Choice(config.FactorDim, AtlasTrainingOptions.DefaultBiasVarianceFactor);
        if (priorShape is not null) config = config.WithFactorDim(priorShape.Factors);

        random.manual_seed(options.Seed);
        var network = new LocusNetwork(config);
        if (network.prior is not null) FactorPriorFit.Fit(network.prior, encodings, priorTraining, options.Seed, priorShape!.BiasVarianceFactor);
        // The prior is fitted and fixed: only the set encoder and the correction train by episodes.
        var parameters = network.named_parameters().Where(p => !p.name.StartsWith("prior.", StringComparison.Ordinal)).Select(p => p.parameter).ToArray();
        var optimizer = optim.AdamW(parameters, options.LearningRate, weight_decay: options.WeightDecay);
        var rng = new Random(options.Seed);
        var validation = validationPools.Select((v, i) => (Support: v.Pool.Sample(options.ValidationSupport, new Random(unchecked(options.Seed * 7919 + i))), v.Target)).ToArray();

        Tensor[]? best = null;
        double bestLoss = double.PositiveInfinity, lossSum = 0;
        int bestStep = 0, sinceBest = 0, lossCount = 0, step = 0;
        var order = new Queue<int>();
        // Step 0 is a candidate: with the prior, the untrained correction is zero, and training must beat the prior alone.
        if (validation.Length > 0 && network.prior is not null)
        {
            bestLoss = ValidationLoss(network, encodings, validation);
            best = Snapshot(parameters);
            progress?.Report(new AtlasTrainingProgress(0, double.NaN, bestLoss, 0));
        }
        while (step < options.MaxSteps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            network.train();
            var episodes = new List<(ModelEvaluations Support, ModelEvaluations Target)>();
            double sizeDraw = rng.NextDouble();
            for (int e = 0; e < Math.Min(options.ModelsPerStep, training.Length); e++)
            {
                if (order.Count == 0) foreach (var i in Enumerable.Range(0, training.Length).OrderBy(_ => rng.Next())) order.Enqueue(i);
                var model = training[order.Dequeue()];
                if (training.Length > 1 && rng.NextDouble() < options.ModelMixing)
                {
                    var partner = training[rng.Next(training.Length)];
                    if (partner == model) partner = training[(Array.IndexOf(training, model) + 1) % training.Length];
                    var (drawn, expected) = model.MixWith(partner, rng.NextDouble(), rng);
                    if (drawn.Queries.Length >= 2) { episodes.Add(SampleEpisode(drawn, expected, sizeDraw, options, rng)); continue; }
                }
                episodes.Add(SampleEpisode(model, model, sizeDraw, options, rng));
            }
            using (var scope = NewDisposeScope())
            {
                optimizer.zero_grad();
                var loss = EpisodeLoss(network, encodings, episodes);
                loss.backward();
                nn.utils.clip_grad_norm_(parameters, options.GradientClip);
                optimizer.step();
                lossSum += loss.item<float>();
                lossCount++;
            }
            step++;
            if (step % options.EvaluateEvery != 0 && step != options.MaxSteps) continue;
            double? valLoss = null;
            if (validation.Length > 0)
            {
                valLoss = ValidationLoss(network, encodings, validation);
                if (valLoss < bestLoss - 1e-5)
                {
                    bestLoss = valLoss.Value;
                    bestStep = step;
                    sinceBest = 0;
                    foreach (var t in best ?? []) t.Dispose();
                    best = Snapshot(parameters);
                }
                else sinceBest++;
            }
            else bestStep = step;
            progress?.Report(new AtlasTrainingProgress(step, lossSum / Math.Max(lossCount, 1), valLoss, bestStep));
            lossSum = 0;
            lossCount = 0;
            if (validation.Length > 0 && sinceBest >= options.Patience) break;
        }
        if (best is not null)
        {
            using var noGrad = no_grad();
            for (int i = 0; i < parameters.Length; i++) { parameters[i].copy_(best[i]); best[i].Dispose(); }
        }

        var summary = new AtlasTrainingSummary
        {
            Seed = options.Seed, Steps = step, BestStep = bestStep,
            PriorFactors = priorShape?.Factors, PriorBiasVarianceFactor = priorShape?.BiasVarianceFactor,
            BestValidationLoss = double.IsPositiveInfinity(bestLoss) ? null : bestLoss,
            TrainingModels = split.TrainingModels.ToList(), ValidationModels = split.ValidationModels.ToList(),
            Seconds = clock.Elapsed.TotalSeconds,
        };
        var atlas = new ModelAtlas(network, encoder, summary);
        foreach (var m in split.TrainingModels) PlaceModel(atlas, table, m, trainQueries, "training");
        foreach (var m in split.ValidationModels) PlaceModel(atlas, table, m, trainQueries, "validation");
        return atlas;
    }

    /// <summary>Encodes every query of <paramref name="table"/> into a [numQueries, Q] tensor.</summary>
    internal static Tensor EncodeAll(EvaluationTable table, IQueryEncoder encoder)
    {
        var flat = new float[table.Queries.Count * encoder.Dimension];
        for (int q = 0; q < table.Queries.Count; q++)
            encoder.Encode(table.Queries[q], table.QueryTexts.GetValueOrDefault(table.Queries[q])).CopyTo(flat, q * encoder.Dimension);
        return tensor(flat, table.Queries.Count, encoder.Dimension);
    }

    private static void PlaceModel(ModelAtlas atlas, EvaluationTable table, string model, int[] queries, string origin)
    {
        int mi = table.ModelIndex(model);
        var records = queries.Where(q => table.Has(mi, q)).Select(q => new EvaluationRecord(model, table.Queries[q], table.Score(mi, q), table.QueryTexts.GetValueOrDefault(table.Queries[q]))).ToArray();
        if (records.Length == 0) return;
        var cost = table.MeanCost(mi);
        atlas.Put(new AtlasModelEntry(model, atlas.Embed(records), records.Length, cost, origin));
    }

    private static double ValidationLoss(LocusNetwork network, Tensor encodings, IReadOnlyList<(ModelEvaluations Support, ModelEvaluations Target)> validation)
    {
        network.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return EpisodeLoss(network, encodings, validation).item<float>();
    }

    private static Tensor[] Snapshot(IEnumerable<Tensor> parameters) => parameters.Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();

    private static Tensor EpisodeLoss(LocusNetwork network, Tensor encodings, IReadOnlyList<(ModelEvaluations Support, ModelEvaluations Target)> episodes)
    {
        var (sx, ss, sm) = EvaluationBatch.Pack(encodings, episodes.Select(e => e.Support.Queries).ToArray(), episodes.Select(e => e.Support.Scores).ToArray());
        var (tx, ts, tm) = EvaluationBatch.Pack(encodings, episodes.Select(e => e.Target.Queries).ToArray(), episodes.Select(e => e.Target.Scores).ToArray());
        var z = network.Embed(sx, ss, sm);                                               // [B, d]
        return EpisodeBce(network.Logits(z, tx), ts, tm);                               // logits [B, M]
    }

    /// <summary>Mean over episodes of each episode's mean BCE on its real targets: logits, targets [B, M], mask [B, M] (bool).</summary>
    internal static Tensor EpisodeBce(Tensor logits, Tensor targets, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var perTarget = nn.functional.binary_cross_entropy_with_logits(logits, targets, reduction: nn.Reduction.None);
        var weight = mask.to_type(ScalarType.Float32);
        // Each episode weighs the same, whatever its number of targets.
        return ((perTarget * weight).sum(1) / weight.sum(1)).mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Support from <paramref name="observed"/>, targets (other queries) from <paramref name="truth"/> (the same queries;
    /// they differ only for mixed models). <paramref name="sizeDraw"/> in [0, 1) picks the support size log-uniformly.
    /// </summary>
    private static (ModelEvaluations Support, ModelEvaluations Target) SampleEpisode(ModelEvaluations observed, ModelEvaluations truth, double sizeDraw, AtlasTrainingOptions options, Random rng)
    {
        int n = observed.Queries.Length;
        int hi = Math.Max(1, Math.Min(options.SupportMax, n - Math.Min(32, n / 2)));
        int lo = Math.Max(1, Math.Min(options.SupportMin, hi));
        int size = (int)Math.Round(Math.Exp(Math.Log(lo) + sizeDraw * (Math.Log(hi) - Math.Log(lo))));
        var perm = Enumerable.Range(0, n).ToArray();
        rng.Shuffle(perm);
        int targets = Math.Min(options.TargetsPerEpisode, n - size);
        return (observed.Take(perm.AsSpan(0, size)), truth.Take(perm.AsSpan(size, targets)));
    }
}
