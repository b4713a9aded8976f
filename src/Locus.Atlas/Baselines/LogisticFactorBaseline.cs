using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Locus.Atlas.Baselines;

/// <summary>The factor models the baselines fit.</summary>
public enum FactorModelKind
{
    /// <summary>Item response theory: logit = a_q · θ_m + d_q with free per-query slopes a_q and intercepts d_q (2PL when the dimension is 1).</summary>
    Irt,

    /// <summary>EmbedLLM-style matrix factorisation: logit = u_m · (W e_q + c) + b_m, the query side a learned map of the query encoding.</summary>
    MatrixFactorisation,
}

/// <summary>
/// Logistic factor models fitted by maximum a posteriori (Adam, full batch): query-side parameters on the training
/// models, then for each new model only its own vector (and bias) on its probes, everything else frozen, with a
/// standard-normal prior on the model vector so a handful of probes gives a sensible estimate.
/// </summary>
public sealed class LogisticFactorBaseline : ICorrectnessMethod
{
    private readonly FactorModelKind _kind;
    private readonly int _dimension;
    private readonly int _seed;
    private Tensor? _slopes, _intercepts, _projection, _offset; // IRT: a [Q, D], d [Q]; MF: W [E, D], c [D]
    private Tensor? _encodings;

    /// <summary>Creates the baseline; <paramref name="dimension"/> is the latent size (1 = IRT 2PL).</summary>
    public LogisticFactorBaseline(FactorModelKind kind, int dimension, int seed = 0, string? name = null)
    {
        _kind = kind;
        _dimension = dimension;
        _seed = seed;
        Name = name ?? (kind == FactorModelKind.Irt ? dimension == 1 ? "irt-2pl" : $"mirt-{dimension}d" : "embedllm-mf");
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Training iterations for the joint fit.</summary>
    public int FitIterations { get; set; } = 400;

    /// <summary>Iterations for a new model's vector.</summary>
    public int NewModelIterations { get; set; } = 200;

    /// <summary>Fitted abilities θ of the training models [models, D] (after <see cref="Fit"/>).</summary>
    public float[,]? TrainingAbilities { get; private set; }

    /// <summary>Fitted IRT slopes a [queries, D] (IRT only).</summary>
    public float[,]? Slopes => _slopes is null ? null : ToArray(_slopes);

    /// <summary>Fitted IRT intercepts d [queries] (IRT only); the 2PL difficulty is b = −d / a.</summary>
    public float[]? Intercepts => _intercepts?.data<float>().ToArray();

    /// <inheritdoc />
    public void Fit(BaselineContext context)
    {
        DisposeState();
        random.manual_seed(_seed);
        int nq = context.Encodings.Count, e = context.Encodings[0].Length, d = _dimension;
        _encodings = tensor(context.Encodings.SelectMany(x => x).ToArray(), nq, e).DetachFromDisposeScope();
        var (target, mask) = Matrix(context.Scores, context.TrainingModels, context.TrainingQueries, nq);
        int m = context.TrainingModels.Length;
        var theta = new Parameter(randn(m, d) * 0.1);
        var bias = new Parameter(zeros(m));
        var parameters = new List<Parameter> { theta };
        if (_kind == FactorModelKind.Irt)
        {
            var slopes = new Parameter(randn(nq, d) * 0.1 + 0.5);
            var intercepts = new Parameter(zeros(nq));
            (_slopes, _intercepts) = (slopes, intercepts);
            parameters.AddRange([slopes, intercepts]);
        }
        else
        {
            var projection = new Parameter(randn(e, d) / Math.Sqrt(e));
            var offset = new Parameter(zeros(d));
            (_projection, _offset) = (projection, offset);
            parameters.AddRange([projection, offset, bias]);
        }
        var optimizer = optim.Adam(parameters, 0.05);
        for (int i = 0; i < FitIterations; i++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = MaskedBce(Logits(theta, bias), target, mask) + 1e-2 * theta.pow(2).mean() + QueryPenalty();
            loss.backward();
            optimizer.step();
        }
        foreach (var p in parameters) p.requires_grad_(false);
        TrainingAbilities = ToArray(theta);
        theta.Dispose();
        bias.Dispose();
        target.Dispose();
        mask.Dispose();
    }

    /// <inheritdoc />
    public double[,] PredictNewModels(IReadOnlyList<ProbeSet> probes, int[] targetQueries)
    {
        if (_encodings is null) throw new InvalidOperationException("Fit first");
        using var scope = NewDisposeScope();
        var (theta, bias) = FitNewModels(probes);
        using var idx = tensor(targetQueries.Select(q => (long)q).ToArray());
        var p = Logits(theta, bias).index_select(1, idx).sigmoid().to_type(ScalarType.Float64);
        var result = new double[probes.Count, targetQueries.Length];
        Buffer.BlockCopy(p.contiguous().data<double>().ToArray(), 0, result, 0, result.Length * sizeof(double));
        return result;
    }

    /// <summary>Fits θ (and bias) of new models on their probes with everything else frozen; returns [N, D] abilities.</summary>
    public float[,] FitNewModelAbilities(IReadOnlyList<ProbeSet> probes)
    {
        using var scope = NewDisposeScope();
        return ToArray(FitNewModels(probes).Theta);
    }

    private (Tensor Theta, Tensor Bias) FitNewModels(IReadOnlyList<ProbeSet> probes)
    {
        int n = probes.Count, nq = (int)_encodings!.shape[0];
        var target = zeros(n, nq);
        var mask = zeros(n, nq);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < probes[i].Queries.Length; j++)
            {
                target[i, probes[i].Queries[j]] = probes[i].Scores[j];
                mask[i, probes[i].Queries[j]] = 1;
            }
        var theta = new Parameter(zeros(n, _dimension));
        var bias = new Parameter(zeros(n));
        var optimizer = optim.Adam(_kind == FactorModelKind.Irt ? new[] { theta } : new[] { theta, bias }, 0.05);
        var counts = mask.sum(1).clamp_min(1);
        for (int i = 0; i < NewModelIterations; i++)
        {
            using var step = NewDisposeScope();
            optimizer.zero_grad();
            // Per-model negative log posterior: summed BCE over its probes plus the N(0, 1) prior on θ.
            var nll = (nn.functional.binary_cross_entropy_with_logits(Logits(theta, bias), target, reduction: nn.Reduction.None) * mask).sum(1);
            var loss = ((nll + 0.5 * theta.pow(2).sum(1)) / counts).sum();
            loss.backward();
            optimizer.step();
        }
        return (theta.detach(), bias.detach());
    }

    private Tensor Logits(Tensor theta, Tensor bias) => _kind == FactorModelKind.Irt
        ? theta.matmul(_slopes!.t()) + _intercepts!.unsqueeze(0)                                   // [M, Q]
        : theta.matmul((_encodings!.matmul(_projection!) + _offset!).t()) + bias.unsqueeze(1);     // [M, Q]

    private Tensor QueryPenalty() => _kind == FactorModelKind.Irt
        ? 1e-3 * (_slopes!.pow(2).mean() + _intercepts!.pow(2).mean())
        : 1e-3 * _projection!.pow(2).sum();

    private static Tensor MaskedBce(Tensor logits, Tensor target, Tensor mask) =>
        (nn.functional.binary_cross_entropy_with_logits(logits, target, reduction: nn.Reduction.None) * mask).sum() / mask.sum();

    private static (Tensor Target, Tensor Mask) Matrix(double[,] scores, int[] models, int[] queries, int nq)
    {
        var t = new float[models.Length * nq];
        var k = new float[t.Length];
        for (int i = 0; i < models.Length; i++)
            foreach (var q in queries)
            {
                var s = scores[models[i], q];
                if (double.IsNaN(s)) continue;
                t[i * nq + q] = (float)s;
                k[i * nq + q] = 1;
            }
        return (tensor(t, models.Length, nq), tensor(k, models.Length, nq));
    }

    private static float[,] ToArray(Tensor t)
    {
        var flat = t.contiguous().data<float>().ToArray();
        var r = new float[t.shape[0], t.shape[1]];
        Buffer.BlockCopy(flat, 0, r, 0, flat.Length * sizeof(float));
        return r;
    }

    private void DisposeState()
    {
        foreach (var t in new[] { _slopes, _intercepts, _projection, _offset, _encodings }) t?.Dispose();
        _slopes = _intercepts = _projection = _offset = _encodings = null;
    }
}
