using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Locus.Atlas.Model;

/// <summary>
/// The item-response prior under the set encoder. A query q gets an item vector a_q = item_proj(e_q) in R^F and a
/// difficulty d_q = difficulty(e_q); a model has an ability θ in R^F (F = factor_dim); logit P(correct) = a_q · θ + d_q
/// (the item map's bias lets θ carry the model's overall strength). A model's θ is the maximum a posteriori estimate
/// from its evaluations under the Gaussian prior N(μ, Λ⁻¹) fitted to the training models (empirical Bayes), computed by
/// Newton steps (one batched F×F solve each): permutation-invariant, exact at any number of evaluations, and shrunk to
/// the typical training model when evaluations are few. The item map is fitted in a whitened basis (E_q[a_q a_qᵀ] = I
/// over the training queries), so the Euclidean distance between two abilities is their RMS logit difference.
/// </summary>
public sealed class LocusFactorPrior : Module
{
    /// <summary>Newton steps per estimate; the MAP objective is strictly concave, so a handful converges from μ.</summary>
    public const int NewtonSteps = 12;

    /// <summary>Longest Newton step, in logit units (abilities live in a whitened basis).</summary>
    public const double MaxStepLength = 1.0;

#pragma warning disable IDE1006 // field names are the state-dict keys
    private readonly Linear item_proj, difficulty;
    private readonly Parameter ability_mean, ability_precision;
#pragma warning restore IDE1006

    /// <summary>Creates an unfitted prior for <paramref name="queryDim"/>-dimensional query encodings and F = <paramref name="factors"/>.</summary>
    public LocusFactorPrior(int queryDim, int factors) : base(nameof(LocusFactorPrior))
    {
        Factors = factors;
        item_proj = Linear(queryDim, factors);
        difficulty = Linear(queryDim, 1);
        ability_mean = Parameter(zeros(factors), requires_grad: false);
        ability_precision = Parameter(eye(factors), requires_grad: false);
        RegisterComponents();
    }

    /// <summary>F, the length of an ability vector.</summary>
    public int Factors { get; }

    /// <summary>queries [..., Q] -> item vectors [..., F].</summary>
    public Tensor Items(Tensor queries) => item_proj.forward(queries);

    /// <summary>queries [..., Q] -> difficulties [...].</summary>
    public Tensor Difficulties(Tensor queries) => difficulty.forward(queries).squeeze(-1);

    /// <summary>abilities θ [B, F], queries [B, M, Q] -> prior logits [B, M].</summary>
    public Tensor Logits(Tensor abilities, Tensor queries)
    {
        using var scope = NewDisposeScope();
        var logits = Items(queries).matmul(abilities.unsqueeze(-1)).squeeze(-1) + Difficulties(queries); // [B, M]
        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// MAP abilities from evaluations: queries [B, N, Q], scores [B, N] in [0, 1], mask [B, N] (bool) -> θ [B, F].
    /// Newton on −Σ_i BCE(a_i·θ + d_i, s_i) − ½ (θ − μ)ᵀ Λ (θ − μ) (masked evaluations count zero); a row with no evaluations gets μ.
    /// </summary>
    public Tensor EstimateAbility(Tensor queries, Tensor scores, Tensor mask)
    {
        using var scope = NewDisposeScope();
        long b = queries.shape[0];
        var a = Items(queries).to_type(ScalarType.Float64);                                         // [B, N, F]
        var d = Difficulties(queries).to_type(ScalarType.Float64);                                  // [B, N]
        var s = scores.to_type(ScalarType.Float64);
        var w = mask.to_type(ScalarType.Float64);
        var mu = ability_mean.to_type(ScalarType.Float64).unsqueeze(0).expand(b, -1);               // [B, F]
        var lambda = ability_precision.to_type(ScalarType.Float64);                                 // [F, F]
        var priorHessian = lambda.unsqueeze(0);                                                     // [1, F, F]
        var theta = mu.clone();
        using var maxStep = tensor(MaxStepLength, dtype: ScalarType.Float64);
        using Scalar one = 1.0;
        for (int step = 0; step < NewtonSteps; step++)
        {
            var p = (a.matmul(theta.unsqueeze(-1)).squeeze(-1) + d).sigmoid();                     // [B, N]
            var gradient = a.transpose(1, 2).matmul(((s - p) * w).unsqueeze(-1)).squeeze(-1) - (theta - mu).matmul(lambda); // [B, F]
            var curvature = ((p - p.square()) * w).unsqueeze(-1);                                      // [B, N, 1], p(1 − p)
            var hessian = a.transpose(1, 2).matmul(a * curvature) + priorHessian;                   // [B, F, F]
            var update = linalg.solve(hessian, gradient);                                           // [B, F]
            // Undamped Newton overshoots when far from the optimum (flat sigmoid tails); capping the step's length keeps
            // every iterate in the region where the quadratic model holds, and near the optimum the cap never binds.
            var length = update.norm(1, keepdim: true);
            theta = theta + update * (length.reciprocal() * maxStep).clamp_max(one);
        }
        return theta.to_type(scores.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Sets the prior N(μ, Λ⁻¹) on abilities: mean [F], precision Λ [F, F] (symmetric positive definite).</summary>
    public void SetAbilityPrior(Tensor mean, Tensor precision)
    {
        using var noGrad = no_grad();
        ability_mean.copy_(mean);
        ability_precision.copy_(precision);
    }

    /// <summary>Replaces the item map and difficulty map (after fitting) with weights [F, Q], bias [F] and [1, Q], [1].</summary>
    public void SetItemMaps(Tensor itemWeight, Tensor itemBias, Tensor difficultyWeight, Tensor difficultyBias)
    {
        using var noGrad = no_grad();
        item_proj.weight!.copy_(itemWeight);
        item_proj.bias!.copy_(itemBias);
        difficulty.weight!.copy_(difficultyWeight);
        difficulty.bias!.copy_(difficultyBias);
    }
}
