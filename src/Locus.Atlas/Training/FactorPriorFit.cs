using Locus.Atlas.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Locus.Atlas.Training;

/// <summary>
/// Fits the <see cref="LocusFactorPrior"/> on the training models before the set encoder trains: a logistic factor
/// model (abilities θ_m, item map a(e) = [1 ; A e + c], difficulty d(e) = v·e + b) by full-batch maximum a posteriori,
/// then the item map re-expressed in a whitened basis and the ability prior N(μ, Σ) estimated from the training
/// abilities, Σ shrunk towards a scaled identity because a handful of models cannot pin down an F×F covariance.
/// </summary>
internal static class FactorPriorFit
{
    private const int Iterations = 500;
    private const double LearningRate = 0.05;

    /// <summary>Share of the identity in the shrunk ability covariance.</summary>
    internal const double CovarianceShrinkage = 0.2;

    /// <summary>
    /// Fits <paramref name="prior"/> from the training models' evaluations; <paramref name="encodings"/> is [numQueries, Q].
    /// <paramref name="biasVarianceFactor"/> widens the prior on the bias beyond the training models' spread of biases.
    /// </summary>
    public static void Fit(LocusFactorPrior prior, Tensor encodings, IReadOnlyList<ModelEvaluations> training, int seed, double biasVarianceFactor)
    {
        using var fitted = FitFactors(encodings, training, prior.Factors, seed);
        fitted.ApplyTo(prior, biasVarianceFactor);
    }

    /// <summary>
    /// The factor model with F = <paramref name="factors"/> fitted on the training models, whitened, with the training
    /// abilities' mean and shrunk covariance: everything but the bias width, so that candidates differing only in it
    /// share one fit.
    /// </summary>
    internal static FittedFactors FitFactors(Tensor encodings, IReadOnlyList<ModelEvaluations> training, int factors, int seed)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(seed);
        int m = training.Count, f = factors, q = (int)encodings.shape[1];
        var used = training.SelectMany(t => t.Queries).Distinct().Order().ToArray();
        var (target, mask) = DenseScores(training, used);                                          // [M, U]
        using var usedIndex = tensor(used.Select(i => (long)i).ToArray());
        var x = encodings.index_select(0, usedIndex);                                              // [U, Q]

        // Scalars are held in locals: an implicit one can be finalised while libtorch still reads it.
        using Scalar initScale = 0.1, itemScale = 1 / Math.Sqrt(q), abilityDecay = 1e-2, itemDecay = 1e-3;
        var theta = new Parameter(randn(m, f).mul_(initScale));
        // The first item coordinate is the constant 1, so the first ability is the model's bias (its overall strength).
        var itemWeight = new Parameter(randn(q, f - 1).mul_(itemScale));
        var itemBias = new Parameter(zeros(f - 1));
        var difficultyWeight = new Parameter(zeros(q, 1));
        var difficultyBias = new Parameter(zeros(1));
        var parameters = new[] { theta, itemWeight, itemBias, difficultyWeight, difficultyBias };
        var optimizer = optim.Adam(parameters, LearningRate);
        var observed = mask.sum();
        for (int i = 0; i < Iterations; i++)
        {
            using var step = NewDisposeScope();
            optimizer.zero_grad();
            var logits = theta.matmul(Items(x, itemWeight, itemBias).t()) + x.matmul(difficultyWeight).t(); // [M, U]
            logits = logits.add(difficultyBias);
            var bce = (nn.functional.binary_cross_entropy_with_logits(logits, target, reduction: nn.Reduction.None) * mask).sum() / observed;
            var penalty = theta.square().mean().mul(abilityDecay) + itemWeight.square().sum().mul(itemDecay);
            (bce + penalty).backward();
            optimizer.step();
        }

        using var noGrad = no_grad();
        using Scalar count = used.Length, jitter = 1e-6, scaleFloor = 1e-3, keep = 1 - CovarianceShrinkage, shrink = CovarianceShrinkage, dof = Math.Max(m - 1, 1);
        // Whitening: with C = E_q[a_q a_qᵀ] = L Lᵀ over the training queries, items L⁻¹ a and abilities Lᵀ θ give the
        // same logits, and ‖Lᵀ(θ_i − θ_j)‖² is the mean squared logit difference of models i and j.
        var fullWeight = cat([zeros(q, 1), itemWeight.detach()], 1).to_type(ScalarType.Float64);  // [Q, F]
        var fullBias = cat([ones(1), itemBias.detach()]).to_type(ScalarType.Float64);             // [F]
        var items = Items(x, itemWeight, itemBias).detach().to_type(ScalarType.Float64);          // [U, F]
        var covariance = items.t().matmul(items).div(count) + eye(f, dtype: ScalarType.Float64).mul(jitter);
        var lower = linalg.cholesky(covariance);
        var lowerInverse = linalg.inv(lower);                                                      // L⁻¹
        var whiteWeight = lowerInverse.matmul(fullWeight.t());                                     // [F, Q]
        var whiteBias = lowerInverse.matmul(fullBias);                                             // [F]
        var abilities = theta.detach().to_type(ScalarType.Float64).matmul(lower);                  // [M, F], rows (Lᵀθ)ᵀ

        var mean = abilities.mean([0]);
        var centred = abilities - mean;
        var sample = centred.t().matmul(centred).div(dof);
        var scale = sample.diagonal().mean().clamp_min(scaleFloor);
        var shrunk = sample.mul(keep) + eye(f, dtype: ScalarType.Float64).mul(scale).mul(shrink);
        return new FittedFactors(whiteWeight.to_type(ScalarType.Float32), whiteBias.to_type(ScalarType.Float32),
            difficultyWeight.detach().t().clone(), difficultyBias.detach().clone(), mean.to_type(ScalarType.Float32), shrunk).MoveToOuterDisposeScope();
    }

    /// <summary>A fitted, whitened factor model and the training abilities' mean and shrunk covariance (float64).</summary>
    internal sealed record FittedFactors(Tensor ItemWeight, Tensor ItemBias, Tensor DifficultyWeight, Tensor DifficultyBias, Tensor AbilityMean, Tensor AbilityCovariance) : IDisposable
    {
        /// <summary>Writes the maps and the prior into <paramref name="prior"/>, the bias variance widened by <paramref name="biasVarianceFactor"/>.</summary>
        public void ApplyTo(LocusFactorPrior prior, double biasVarianceFactor)
        {
            using var scope = NewDisposeScope();
            using Scalar biasFactor = biasVarianceFactor;
            var covariance = AbilityCovariance.clone();
            covariance[0, 0] = covariance[0, 0].mul(biasFactor);
            prior.SetItemMaps(ItemWeight, ItemBias, DifficultyWeight, DifficultyBias);
            prior.SetAbilityPrior(AbilityMean, linalg.inv(covariance).to_type(ScalarType.Float32));
        }

        internal FittedFactors MoveToOuterDisposeScope()
        {
            foreach (var t in Tensors) t.MoveToOuterDisposeScope();
            return this;
        }

        private Tensor[] Tensors => [ItemWeight, ItemBias, DifficultyWeight, DifficultyBias, AbilityMean, AbilityCovariance];

        /// <inheritdoc />
        public void Dispose()
        {
            foreach (var t in Tensors) t.Dispose();
        }
    }

    /// <summary>[1 ; A e + c] for encodings x [U, Q] -> [U, F].</summary>
    private static Tensor Items(Tensor x, Tensor weight, Tensor bias) => cat([ones(x.shape[0], 1), x.matmul(weight).add(bias)], 1);

    private static (Tensor Target, Tensor Mask) DenseScores(IReadOnlyList<ModelEvaluations> training, int[] used)
    {
        var column = new Dictionary<int, int>(used.Length);
        for (int i = 0; i < used.Length; i++) column[used[i]] = i;
        var target = new float[training.Count * used.Length];
        var mask = new float[target.Length];
        for (int m = 0; m < training.Count; m++)
            for (int j = 0; j < training[m].Queries.Length; j++)
            {
                int cell = m * used.Length + column[training[m].Queries[j]];
                target[cell] = training[m].Scores[j];
                mask[cell] = 1;
            }
        return (tensor(target, training.Count, used.Length), tensor(mask, training.Count, used.Length));
    }
}
