using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Locus.Atlas.Model;

/// <summary>Multi-head attention from a query sequence to a context sequence, ignoring context positions where the mask is false.</summary>
public sealed class LocusAttention : Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly Linear q_proj, k_proj, v_proj, o_proj;
    private readonly int _heads;

    /// <summary>Creates the attention with <paramref name="heads"/> heads over width <paramref name="hidden"/>.</summary>
    public LocusAttention(int hidden, int heads) : base(nameof(LocusAttention))
    {
        _heads = heads;
        q_proj = Linear(hidden, hidden);
        k_proj = Linear(hidden, hidden);
        v_proj = Linear(hidden, hidden);
        o_proj = Linear(hidden, hidden);
        RegisterComponents();
    }

    /// <summary>query [B, Lq, H], context [B, Lk, H], contextMask [B, Lk] (bool) -> [B, Lq, H].</summary>
    public override Tensor forward(Tensor query, Tensor context, Tensor contextMask)
    {
        using var scope = NewDisposeScope();
        long b = query.shape[0], lq = query.shape[1], lk = context.shape[1], h = query.shape[2], dh = h / _heads;
        var q = q_proj.forward(query).view(b, lq, _heads, dh).transpose(1, 2);   // [B, heads, Lq, dh]
        var k = k_proj.forward(context).view(b, lk, _heads, dh).transpose(1, 2); // [B, heads, Lk, dh]
        var v = v_proj.forward(context).view(b, lk, _heads, dh).transpose(1, 2);
        // Scalars are held in locals: an implicit one can be finalised while libtorch still reads it.
        using Scalar scale = 1 / Math.Sqrt(dh), masked = float.NegativeInfinity;
        var scores = q.matmul(k.transpose(2, 3)).mul_(scale);                  // [B, heads, Lq, Lk]
        scores = scores.masked_fill(contextMask.logical_not().view(b, 1, 1, lk), masked);
        var attended = functional.softmax(scores, -1).matmul(v);                 // [B, heads, Lq, dh]
        return o_proj.forward(attended.transpose(1, 2).reshape(b, lq, h)).MoveToOuterDisposeScope();
    }
}

/// <summary>Two-layer feed-forward network with GELU.</summary>
public sealed class LocusFeedForward : Module<Tensor, Tensor>
{
    private readonly Linear fc1, fc2;
    private readonly Dropout dropout;

    /// <summary>Creates hidden -> intermediate -> hidden, with dropout on the output while training.</summary>
    public LocusFeedForward(int hidden, int intermediate, double dropout) : base(nameof(LocusFeedForward))
    {
        fc1 = Linear(hidden, intermediate);
        fc2 = Linear(intermediate, hidden);
        this.dropout = Dropout(dropout);
        RegisterComponents();
    }

    /// <summary>[..., H] -> [..., H].</summary>
    public override Tensor forward(Tensor x) => dropout.forward(fc2.forward(functional.gelu(fc1.forward(x))));
}

/// <summary>
/// Latent-bottleneck block: compression (r learned latents attend to the evaluation tokens, O(n·r)), then broadcast
/// (tokens attend to the compressed latents). Pre-layer-norm residual sublayers, each followed by a feed-forward.
/// No positional information enters, so permuting the tokens permutes the output tokens and nothing else.
/// </summary>
public sealed class LatentBottleneckBlock : Module<Tensor, Tensor, Tensor>
{
    private readonly Parameter latents;
    private readonly LocusAttention compress_attn, broadcast_attn;
    private readonly LayerNorm compress_latent_norm, compress_token_norm, compress_ffn_norm;
    private readonly LayerNorm broadcast_token_norm, broadcast_latent_norm, broadcast_ffn_norm;
    private readonly LocusFeedForward compress_ffn, broadcast_ffn;

    /// <summary>Creates the block from <paramref name="config"/>.</summary>
    public LatentBottleneckBlock(LocusConfig config) : base(nameof(LatentBottleneckBlock))
    {
        int h = config.HiddenSize, inter = h * config.IntermediateMultiplier;
        using Scalar initScale = 0.02;
        latents = Parameter(randn(config.NumLatents, h).mul_(initScale));
        compress_attn = new LocusAttention(h, config.NumAttentionHeads);
        broadcast_attn = new LocusAttention(h, config.NumAttentionHeads);
        compress_latent_norm = LayerNorm(h);
        compress_token_norm = LayerNorm(h);
        compress_ffn_norm = LayerNorm(h);
        broadcast_token_norm = LayerNorm(h);
        broadcast_latent_norm = LayerNorm(h);
        broadcast_ffn_norm = LayerNorm(h);
        compress_ffn = new LocusFeedForward(h, inter, config.Dropout);
        broadcast_ffn = new LocusFeedForward(h, inter, config.Dropout);
        RegisterComponents();
    }

    /// <summary>tokens [B, N, H], mask [B, N] (bool, true = real evaluation) -> tokens [B, N, H].</summary>
    public override Tensor forward(Tensor tokens, Tensor mask)
    {
        using var scope = NewDisposeScope();
        long b = tokens.shape[0];
        var u = latents.unsqueeze(0).expand(b, -1, -1);                                              // [B, r, H]
        u = u + compress_attn.forward(compress_latent_norm.forward(u), compress_token_norm.forward(tokens), mask);
        u = u + compress_ffn.forward(compress_ffn_norm.forward(u));
        var allLatents = ones(b, u.shape[1], dtype: ScalarType.Bool, device: tokens.device);
        var x = tokens + broadcast_attn.forward(broadcast_token_norm.forward(tokens), broadcast_latent_norm.forward(u), allLatents);
        x = x + broadcast_ffn.forward(broadcast_ffn_norm.forward(x));                                // [B, N, H]
        return x.MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The LOCUS set encoder: MLP tokenizer over [query encoding ; signed score ; signed score × query encoding ; residual
/// of the prior], latent-bottleneck blocks, and learned-query attention pooling to the set part of the model embedding.
/// </summary>
public sealed class LocusEncoder : Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    private readonly Sequential tokenizer;
    private readonly ModuleList<LatentBottleneckBlock> blocks;
    private readonly Parameter pool_query;
    private readonly LayerNorm pool_norm;
    private readonly LocusAttention pool_attn;
    private readonly Linear embedding_proj;
    private readonly double _radius;

    /// <summary>
    /// Length of the set part of the embedding when a prior is present. The prior's abilities are in logit units, so
    /// distances between embeddings are RMS logit differences; a set part of fixed small length can still separate
    /// models with the same ability but cannot swamp that geometry.
    /// </summary>
    public const double SetRadius = 0.5;

    /// <summary>Creates the encoder from <paramref name="config"/>; it outputs <see cref="LocusConfig.SetEmbeddingDim"/> values.</summary>
    public LocusEncoder(LocusConfig config) : base(nameof(LocusEncoder))
    {
        int h = config.HiddenSize;
        _radius = config.FactorDim > 0 ? SetRadius : 0;
        tokenizer = Sequential(Linear(2 * config.QueryDim + 2, h), GELU(), Linear(h, h), Dropout(config.Dropout));
        blocks = new ModuleList<LatentBottleneckBlock>(Enumerable.Range(0, config.NumBlocks).Select(_ => new LatentBottleneckBlock(config)).ToArray());
        using Scalar initScale = 0.02;
        pool_query = Parameter(randn(1, 1, h).mul_(initScale));
        pool_norm = LayerNorm(h);
        pool_attn = new LocusAttention(h, config.NumAttentionHeads);
        embedding_proj = Linear(h, config.SetEmbeddingDim);
        RegisterComponents();
    }

    /// <summary>
    /// queries [B, N, Q], scores [B, N] in [0, 1], residuals [B, N] (score minus the prior's P(correct); zeros without a
    /// prior), mask [B, N] (bool) -> z [B, d_set]. Every row needs at least one true mask entry.
    /// </summary>
    public override Tensor forward(Tensor queries, Tensor scores, Tensor residuals, Tensor mask)
    {
        using var scope = NewDisposeScope();
        // Scores enter signed (0/1 -> -1/+1). What tells two models apart is which queries each got right, i.e. the
        // score-query interaction; with only [q ; s] the first layer is additive, the pooled tokens of models with the
        // same accuracy start out alike and training sits on a plateau. The product term makes it first-order. The
        // residual says where the prior is wrong about this model: what the set encoder is there to correct.
        var signed = (scores + scores - ones_like(scores)).unsqueeze(-1);                            // [B, N, 1]
        var x = tokenizer.forward(cat([queries, signed, queries * signed, residuals.unsqueeze(-1)], -1)); // [B, N, H]
        foreach (var block in blocks) x = block.forward(x, mask);
        var seed = pool_query.expand(x.shape[0], -1, -1);                                            // [B, 1, H]
        var pooled = pool_attn.forward(seed, pool_norm.forward(x), mask).squeeze(1);                 // [B, H]
        var z = embedding_proj.forward(pooled);                                                      // [B, d_set]
        if (_radius == 0) return z.MoveToOuterDisposeScope();
        using Scalar radius = _radius;
        return functional.normalize(z, dim: -1).mul_(radius).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The correction to the prior's logit: a 2-layer MLP on [z_set ; θ ; query encoding]. Its output layer starts at zero,
/// so an untrained network predicts exactly what the prior does.
/// </summary>
public sealed class LocusPredictor : Module<Tensor, Tensor, Tensor>
{
    private readonly Linear fc1, fc2;
    private readonly Dropout dropout;

    /// <summary>Creates the predictor from <paramref name="config"/>.</summary>
    public LocusPredictor(LocusConfig config) : base(nameof(LocusPredictor))
    {
        fc1 = Linear(config.EmbeddingDim + config.QueryDim, config.PredictorHiddenSize);
        fc2 = Linear(config.PredictorHiddenSize, 1);
        if (config.FactorDim > 0)
        {
            using var noGrad = no_grad();
            fc2.weight!.zero_();
            fc2.bias!.zero_();
        }
        dropout = Dropout(config.Dropout);
        RegisterComponents();
    }

    /// <summary>embedding [B, d] (θ then z_set), queries [B, M, Q] -> correction logits [B, M].</summary>
    public override Tensor forward(Tensor embedding, Tensor queries)
    {
        using var scope = NewDisposeScope();
        var zz = embedding.unsqueeze(1).expand(-1, queries.shape[1], -1);
        var hidden = dropout.forward(functional.gelu(fc1.forward(cat([zz, queries], -1))));
        return fc2.forward(hidden).squeeze(-1).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The whole LOCUS network. A model's embedding is [θ ; z_set]: θ (F values) the item-response prior's MAP ability
/// (none when <see cref="LocusConfig.FactorDim"/> is 0), z_set the set encoder's output. P(correct) on a query is
/// σ(prior logit + predictor correction). Both parts are permutation-invariant functions of the evaluations.
/// </summary>
public sealed class LocusNetwork : Module
{
    /// <summary>Creates the parts from <paramref name="config"/>.</summary>
    public LocusNetwork(LocusConfig config) : base(nameof(LocusNetwork))
    {
        config.Validate();
        Config = config;
        prior = config.FactorDim > 0 ? new LocusFactorPrior(config.QueryDim, config.FactorDim) : null;
        encoder = new LocusEncoder(config);
        predictor = new LocusPredictor(config);
        RegisterComponents();
    }

    /// <summary>The configuration this network was built from.</summary>
    public LocusConfig Config { get; }

#pragma warning disable IDE1006 // field names are the state-dict keys
    /// <summary>The item-response prior (null when <see cref="LocusConfig.FactorDim"/> is 0).</summary>
    public readonly LocusFactorPrior? prior;

    /// <summary>The set encoder (evaluations -> z_set).</summary>
    public readonly LocusEncoder encoder;

    /// <summary>The correction predictor ([θ ; z_set ; query] -> logit correction).</summary>
    public readonly LocusPredictor predictor;
#pragma warning restore IDE1006

    /// <summary>queries [B, N, Q], scores [B, N], mask [B, N] (bool) -> embeddings [B, d] = [θ ; z_set].</summary>
    public Tensor Embed(Tensor queries, Tensor scores, Tensor mask)
    {
        using var scope = NewDisposeScope();
        if (prior is null) return encoder.forward(queries, scores, zeros_like(scores), mask).MoveToOuterDisposeScope();
        Tensor theta, residuals;
        using (no_grad())
        {
            // The prior is fitted before the set encoder trains and stays fixed, so no gradient flows through Newton.
            theta = prior.EstimateAbility(queries, scores, mask);                                   // [B, F]
            residuals = (scores - prior.Logits(theta, queries).sigmoid()) * mask.to_type(scores.dtype); // [B, N]
        }
        var z = encoder.forward(queries, scores, residuals, mask);                                  // [B, d_set]
        return cat([theta, z], -1).MoveToOuterDisposeScope();
    }

    /// <summary>embeddings [B, d], queries [B, M, Q] -> logits of P(correct) [B, M].</summary>
    public Tensor Logits(Tensor embeddings, Tensor queries)
    {
        using var scope = NewDisposeScope();
        var correction = predictor.forward(embeddings, queries);                                    // [B, M]
        if (prior is null) return correction.MoveToOuterDisposeScope();
        var theta = embeddings.narrow(1, 0, prior.Factors);                                         // [B, F]
        return (prior.Logits(theta, queries) + correction).MoveToOuterDisposeScope();
    }
}
