using Locus.Atlas.Model;
using static TorchSharp.torch;

namespace Locus.Atlas.Training;

/// <summary>
/// Chooses the shape of the item-response prior on held-out validation models: how many ability dimensions F, and how
/// far the prior on a new model's bias may stray from the training models' spread of biases. Neither has one right
/// value: on ChemBench new models are stronger than the training models (a nearly free bias gained 6 points of pooled
/// AUC at 16 probes) and 16 dimensions pay at 1,024 probes; on AlpacaEval 2 two dimensions and the empirical spread do
/// best. Each candidate prior is fitted on the training models and scored by the BCE of validation models placed from
/// 16, 64 and 256 of their training-query evaluations, predicting their validation-query answers.
/// </summary>
internal static class PriorSelection
{
    private static readonly int[] SupportSizes = [16, 64, 256];
    private static readonly int[] FactorCandidates = [2, 4, 8, 16];
    private static readonly double[] BiasCandidates = [1, 100];

    /// <summary>
    /// Fewest validation models to choose from: with ChemBench's two, the choice followed their noise (F = 2-4 and the
    /// empirical bias spread, 3 to 5 points of AUC below the default at 256-1,024 probes on the held-out models).
    /// </summary>
    public const int MinValidationModels = 5;

    /// <summary>A candidate prior shape.</summary>
    public sealed record Choice(int Factors, double BiasVarianceFactor);

    /// <summary>
    /// The best candidate with F ≤ <paramref name="maxFactors"/>; <paramref name="maxFactors"/> itself is always a candidate.
    /// Returns null with fewer than <see cref="MinValidationModels"/> validation models.
    /// </summary>
    public static Choice? Choose(Tensor encodings, IReadOnlyList<ModelEvaluations> training, IReadOnlyList<(ModelEvaluations Pool, ModelEvaluations Target)> validation, int maxFactors, int seed)
    {
        if (validation.Count < MinValidationModels || maxFactors < 1) return null;
        var episodes = SupportSizes.SelectMany(size => validation.Select((v, i) => (Support: v.Pool.Sample(size, new Random(unchecked(seed * 7919 + i * 31 + size))), v.Target)))
            .Where(e => e.Support.Queries.Length > 0 && e.Target.Queries.Length > 0).ToArray();
        if (episodes.Length == 0) return null;
        // One fit per dimension count; the bias candidates differ only in the prior written from it.
        Choice? best = null;
        double bestLoss = double.PositiveInfinity;
        foreach (var f in FactorCandidates.Where(f => f < maxFactors).Append(maxFactors))
        {
            using var fitted = FactorPriorFit.FitFactors(encodings, training, f, seed);
            using var prior = new LocusFactorPrior((int)encodings.shape[1], f);
            foreach (var bias in BiasCandidates)
            {
                fitted.ApplyTo(prior, bias);
                var loss = Loss(prior, encodings, episodes);
                if (loss < bestLoss) (best, bestLoss) = (new Choice(f, bias), loss);
            }
        }
        return best;
    }

    private static double Loss(LocusFactorPrior prior, Tensor encodings, IReadOnlyList<(ModelEvaluations Support, ModelEvaluations Target)> episodes)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (sx, ss, sm) = EvaluationBatch.Pack(encodings, episodes.Select(e => e.Support.Queries).ToArray(), episodes.Select(e => e.Support.Scores).ToArray());
        var (tx, ts, tm) = EvaluationBatch.Pack(encodings, episodes.Select(e => e.Target.Queries).ToArray(), episodes.Select(e => e.Target.Scores).ToArray());
        return AtlasTrainer.EpisodeBce(prior.Logits(prior.EstimateAbility(sx, ss, sm), tx), ts, tm).item<float>();
    }
}
