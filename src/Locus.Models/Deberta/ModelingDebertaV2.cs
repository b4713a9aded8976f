// DeBERTa-v2 / DeBERTa-v3 / mDeBERTa-v3 in TorchSharp, module for module as Hugging Face's modeling_deberta_v2.py
// computes it, so that every submodule name gives HF's state-dict key ("encoder.layer.0.attention.self.query_proj").
// Shapes: B batch, L sequence length, H hidden size, h heads, d = H / h, S the attention span (position buckets).
using Locus.Models.Configuration;
using Locus.Models.Encoders;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Locus.Models.Deberta;

/// <summary>Relative positions between tokens, log-bucketed as in DeBERTa-v2/v3 (HF's module-level functions).</summary>
public static class DebertaV2RelativePosition
{
    /// <summary>
    /// HF's <c>make_log_bucket_position</c>: distances inside (-mid, mid), mid = bucket_size / 2, stay as they are;
    /// longer ones map to <c>sign · (ceil(log(|r| / mid) / log((max_position - 1) / mid) · (mid - 1)) + mid)</c>.
    /// The logarithms run in float32, as in PyTorch, so the buckets are bit-identical to HF's.
    /// </summary>
    /// <param name="relativePos">Integer relative positions (any shape, int64).</param>
    /// <param name="bucketSize">position_buckets.</param>
    /// <param name="maxPosition">max_relative_positions (resolved).</param>
    /// <returns>The bucketed positions as int64, same shape.</returns>
    public static Tensor MakeLogBucketPosition(Tensor relativePos, int bucketSize, int maxPosition)
    {
        using var scope = NewDisposeScope();
        var sign = relativePos.sign();
        var mid = bucketSize / 2;
        var absPos = where(relativePos.lt(mid).logical_and(relativePos.gt(-mid)), tensor((long)(mid - 1), ScalarType.Int64, relativePos.device), relativePos.abs());
        // torch.tensor((max_position - 1) / mid) rounds the Python double to float32 before the log.
        var logRange = tensor((float)((maxPosition - 1) / (double)mid), ScalarType.Float32, relativePos.device).log();
        var logPos = ((absPos.to_type(ScalarType.Float32) / mid).log() / logRange * (mid - 1)).ceil() + mid;
        var bucketPos = where(absPos.le(mid), relativePos.to_type(ScalarType.Float32), logPos * sign);
        return bucketPos.to_type(ScalarType.Int64).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// HF's <c>build_relative_position</c>: R[q, k] = q - k, log-bucketed when both <paramref name="bucketSize"/>
    /// and <paramref name="maxPosition"/> are positive. Returns [1, querySize, keySize] int64.
    /// </summary>
    public static Tensor Build(long querySize, long keySize, int bucketSize, int maxPosition, Device? device = null)
    {
        using var scope = NewDisposeScope();
        var queryIds = arange(querySize, ScalarType.Int64, device);
        var keyIds = arange(keySize, ScalarType.Int64, device);
        var relPos = queryIds.unsqueeze(1) - keyIds.unsqueeze(0);                      // [q, k]
        if (bucketSize > 0 && maxPosition > 0) relPos = MakeLogBucketPosition(relPos, bucketSize, maxPosition);
        return relPos.unsqueeze(0).MoveToOuterDisposeScope();                             // [1, q, k]
    }
}

/// <summary>Word (+ absolute position) (+ token type) embeddings, optional projection, LayerNorm, padding zeroed, dropout.</summary>
public sealed class DebertaV2Embeddings : nn.Module<Tensor, Tensor?, Tensor, Tensor>
{
    readonly Embedding word_embeddings;
    readonly Embedding? position_embeddings;
    readonly Embedding? token_type_embeddings;
    readonly Linear? embed_proj;
    readonly LayerNorm LayerNorm;
    readonly Dropout dropout;

    /// <summary>Builds the embeddings: no <c>position_embeddings</c> when position_biased_input is false (v3), no
    /// <c>token_type_embeddings</c> when type_vocab_size is 0, <c>embed_proj</c> when embedding_size differs from hidden_size.</summary>
    public DebertaV2Embeddings(DebertaV2Config config) : base(nameof(DebertaV2Embeddings))
    {
        var width = config.ResolvedEmbeddingSize;
        word_embeddings = nn.Embedding(config.VocabSize, width, padding_idx: config.PadTokenId);
        if (config.PositionBiasedInput) position_embeddings = nn.Embedding(config.MaxPositionEmbeddings, width);
        if (config.TypeVocabSize > 0) token_type_embeddings = nn.Embedding(config.TypeVocabSize, width);
        if (width != config.HiddenSize) embed_proj = nn.Linear(width, config.HiddenSize, hasBias: false);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <summary>input_ids [B, L], token_type_ids [B, L] or null (zeros), mask [B, L] → embeddings [B, L, H].</summary>
    public override Tensor forward(Tensor inputIds, Tensor? tokenTypeIds, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var embeddings = word_embeddings.call(inputIds);                                                    // [B, L, E]
        if (position_embeddings is not null)
            embeddings = embeddings + position_embeddings.call(arange(inputIds.size(1), ScalarType.Int64, inputIds.device).unsqueeze(0));
        if (token_type_embeddings is not null)
            embeddings = embeddings + token_type_embeddings.call(tokenTypeIds ?? zeros_like(inputIds));
        if (embed_proj is not null) embeddings = embed_proj.call(embeddings);                              // [B, L, H]
        embeddings = LayerNorm.call(embeddings);
        // Padding positions leave the embeddings as exact zeros.
        embeddings = embeddings * mask.unsqueeze(2).to_type(embeddings.dtype);
        return dropout.call(embeddings).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Disentangled self-attention: content→content QKᵀ plus content→position (c2p) and position→content (p2c) terms
/// against the relative-position embeddings, all divided by sqrt(d · scale_factor), scale_factor = 1 + |pos_att_type|.
/// </summary>
public sealed class DisentangledSelfAttention : nn.Module<Tensor, Tensor, Tensor?, Tensor?, (Tensor Context, Tensor Probs)>
{
    readonly Linear query_proj;
    readonly Linear key_proj;
    readonly Linear value_proj;
    readonly Linear? pos_key_proj;
    readonly Linear? pos_query_proj;
    readonly Dropout? pos_dropout;
    readonly Dropout dropout;
    readonly int numHeads;
    readonly int scaleFactor;
    readonly bool c2p;
    readonly bool p2c;

    /// <summary>Builds q/k/v projections, and separate <c>pos_key_proj</c>/<c>pos_query_proj</c> unless share_att_key.</summary>
    public DisentangledSelfAttention(DebertaV2Config config) : base(nameof(DisentangledSelfAttention))
    {
        numHeads = config.NumAttentionHeads;
        query_proj = nn.Linear(config.HiddenSize, config.HiddenSize);
        key_proj = nn.Linear(config.HiddenSize, config.HiddenSize);
        value_proj = nn.Linear(config.HiddenSize, config.HiddenSize);
        c2p = config.PosAttType.Contains("c2p");
        p2c = config.PosAttType.Contains("p2c");
        scaleFactor = 1 + (c2p ? 1 : 0) + (p2c ? 1 : 0);
        if (config.RelativeAttention)
        {
            pos_dropout = nn.Dropout(config.HiddenDropoutProb);
            if (!config.ShareAttKey)
            {
                if (c2p) pos_key_proj = nn.Linear(config.HiddenSize, config.HiddenSize);
                if (p2c) pos_query_proj = nn.Linear(config.HiddenSize, config.HiddenSize);
            }
        }
        dropout = nn.Dropout(config.AttentionProbsDropoutProb);
        RegisterComponents();
    }

    /// <summary>
    /// hidden_states [B, L, H], attention_mask [B, 1, L, L] (1 = may attend), relative_pos [1, L, L] and
    /// rel_embeddings [2S, H] (both null without relative attention) → context [B, L, H], probabilities [B, h, L, L].
    /// </summary>
    public override (Tensor Context, Tensor Probs) forward(Tensor hiddenStates, Tensor attentionMask, Tensor? relativePos, Tensor? relEmbeddings)
    {
        using var scope = NewDisposeScope();
        var queryLayer = TransposeForScores(query_proj.call(hiddenStates));                     // [B·h, L, d]
        var keyLayer = TransposeForScores(key_proj.call(hiddenStates));
        var valueLayer = TransposeForScores(value_proj.call(hiddenStates));

        var scale = ScaledSizeSqrt(queryLayer);
        var scores = bmm(queryLayer, keyLayer.transpose(-1, -2) / scale);                      // [B·h, L, L]
        if (relativePos is not null && relEmbeddings is not null
            && DisentangledAttentionBias(queryLayer, keyLayer, relativePos, pos_dropout!.call(relEmbeddings)) is { } relAtt)
            scores = scores + relAtt;
        scores = scores.view(-1, numHeads, scores.size(-2), scores.size(-1));                   // [B, h, L, L]

        // Fully masked (padding) query rows become a uniform distribution, as in HF.
        scores = scores.masked_fill(attentionMask.to_type(ScalarType.Bool).logical_not(), finfo(scores.dtype).min);
        var probs = scores.softmax(-1);
        var context = bmm(dropout.call(probs).view(-1, probs.size(-2), probs.size(-1)), valueLayer); // [B·h, L, d]
        context = context.view(-1, numHeads, context.size(-2), context.size(-1)).permute(0, 2, 1, 3).contiguous();
        context = context.view(context.size(0), context.size(1), -1);                          // [B, L, H]
        return (context.MoveToOuterDisposeScope(), probs.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// c2p + p2c scores [B·h, L, L] from the relative embeddings [2S, H] (or the centred slice [2m + 1, H] of them the
    /// encoder passes; null when pos_att_type is empty); distance δ reads row δ + S (δ + m), clamped to the table.
    /// </summary>
    Tensor? DisentangledAttentionBias(Tensor queryLayer, Tensor keyLayer, Tensor relativePos, Tensor relEmbeddings)
    {
        var repeats = queryLayer.size(0) / numHeads;
        var length = queryLayer.size(1);
        long rows = relEmbeddings.size(0), span = rows / 2;
        var relEmbedding = relEmbeddings.unsqueeze(0);                                          // [1, 2S, H]
        Tensor? score = null;
        if (c2p)
        {
            // Content of query i against the embedding of distance δ(i, j): bucket(i - j) + S.
            var posKeyLayer = TransposeForScores((pos_key_proj ?? key_proj).call(relEmbedding)).repeat(repeats, 1, 1); // [B·h, 2S, d]
            var c2pAtt = bmm(queryLayer, posKeyLayer.transpose(-1, -2));                       // [B·h, L, rows]
            var c2pPos = (relativePos + span).clamp(0, rows - 1).expand(queryLayer.size(0), length, length); // [B·h, L, L]
            score = c2pAtt.gather(-1, c2pPos) / ScaledSizeSqrt(posKeyLayer);
        }
        if (p2c)
        {
            // Content of key j against the embedding of distance δ(j, i), gathered per key then transposed to [query, key].
            var posQueryLayer = TransposeForScores((pos_query_proj ?? query_proj).call(relEmbedding)).repeat(repeats, 1, 1);
            var p2cAtt = bmm(keyLayer, posQueryLayer.transpose(-1, -2));                       // [B·h, L, rows]
            var p2cPos = (-relativePos + span).clamp(0, rows - 1).expand(queryLayer.size(0), length, length);
            var p2cScore = p2cAtt.gather(-1, p2cPos).transpose(-1, -2) / ScaledSizeSqrt(posQueryLayer);
            score = score is null ? p2cScore : score + p2cScore;
        }
        return score;
    }

    /// <summary>[B, L, H] → [B·h, L, d] (HF's transpose_for_scores).</summary>
    Tensor TransposeForScores(Tensor x) =>
        x.view(x.size(0), x.size(1), numHeads, -1).permute(0, 2, 1, 3).contiguous().view(-1, x.size(1), x.size(-1) / numHeads);

    /// <summary>sqrt(d · scale_factor) computed in float32 and cast to the activations' dtype, as HF does.</summary>
    Tensor ScaledSizeSqrt(Tensor layer) => tensor(MathF.Sqrt(layer.size(-1) * scaleFactor), ScalarType.Float32, layer.device).to_type(layer.dtype);
}

/// <summary>Attention output: dense, dropout, residual LayerNorm.</summary>
public sealed class DebertaV2SelfOutput : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Linear dense;
    readonly LayerNorm LayerNorm;
    readonly Dropout dropout;

    /// <summary>Builds the output block.</summary>
    public DebertaV2SelfOutput(DebertaV2Config config) : base(nameof(DebertaV2SelfOutput))
    {
        dense = nn.Linear(config.HiddenSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <summary>hidden_states [B, L, H], input_tensor [B, L, H] (the residual) → [B, L, H].</summary>
    public override Tensor forward(Tensor hiddenStates, Tensor inputTensor)
    {
        using var scope = NewDisposeScope();
        return LayerNorm.call(dropout.call(dense.call(hiddenStates)) + inputTensor).MoveToOuterDisposeScope();
    }
}

/// <summary>Disentangled self-attention (registered as "self", HF's name) followed by its output block.</summary>
public sealed class DebertaV2Attention : nn.Module<Tensor, Tensor, Tensor?, Tensor?, (Tensor Output, Tensor Probs)>
{
    readonly DisentangledSelfAttention self;
    readonly DebertaV2SelfOutput output;

    /// <summary>Builds the attention block.</summary>
    public DebertaV2Attention(DebertaV2Config config) : base(nameof(DebertaV2Attention))
    {
        self = new DisentangledSelfAttention(config);
        output = new DebertaV2SelfOutput(config);
        RegisterComponents();
    }

    /// <summary>hidden_states [B, L, H] → attention output [B, L, H] and probabilities [B, h, L, L].</summary>
    public override (Tensor Output, Tensor Probs) forward(Tensor hiddenStates, Tensor attentionMask, Tensor? relativePos, Tensor? relEmbeddings)
    {
        using var scope = NewDisposeScope();
        var (context, probs) = self.call(hiddenStates, attentionMask, relativePos, relEmbeddings);
        return (output.call(context, hiddenStates).MoveToOuterDisposeScope(), probs.MoveToOuterDisposeScope());
    }
}

/// <summary>Feed-forward expansion: dense to intermediate_size and hidden_act.</summary>
public sealed class DebertaV2Intermediate : nn.Module<Tensor, Tensor>
{
    readonly Linear dense;
    readonly Func<Tensor, Tensor> intermediate_act_fn;

    /// <summary>Builds the expansion.</summary>
    public DebertaV2Intermediate(DebertaV2Config config) : base(nameof(DebertaV2Intermediate))
    {
        dense = nn.Linear(config.HiddenSize, config.IntermediateSize);
        intermediate_act_fn = EncoderActivations.Get(config.HiddenAct);
        RegisterComponents();
    }

    /// <summary>[B, L, H] → [B, L, intermediate_size].</summary>
    public override Tensor forward(Tensor hiddenStates)
    {
        using var scope = NewDisposeScope();
        return intermediate_act_fn(dense.call(hiddenStates)).MoveToOuterDisposeScope();
    }
}

/// <summary>Feed-forward contraction: dense back to hidden_size, dropout, residual LayerNorm.</summary>
public sealed class DebertaV2Output : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Linear dense;
    readonly LayerNorm LayerNorm;
    readonly Dropout dropout;

    /// <summary>Builds the contraction.</summary>
    public DebertaV2Output(DebertaV2Config config) : base(nameof(DebertaV2Output))
    {
        dense = nn.Linear(config.IntermediateSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <summary>hidden_states [B, L, intermediate_size], input_tensor [B, L, H] (the residual) → [B, L, H].</summary>
    public override Tensor forward(Tensor hiddenStates, Tensor inputTensor)
    {
        using var scope = NewDisposeScope();
        return LayerNorm.call(dropout.call(dense.call(hiddenStates)) + inputTensor).MoveToOuterDisposeScope();
    }
}

/// <summary>One transformer layer: attention, then the feed-forward block.</summary>
public sealed class DebertaV2Layer : nn.Module<Tensor, Tensor, Tensor?, Tensor?, (Tensor Output, Tensor Probs)>
{
    readonly DebertaV2Attention attention;
    readonly DebertaV2Intermediate intermediate;
    readonly DebertaV2Output output;

    /// <summary>Builds the layer.</summary>
    public DebertaV2Layer(DebertaV2Config config) : base(nameof(DebertaV2Layer))
    {
        attention = new DebertaV2Attention(config);
        intermediate = new DebertaV2Intermediate(config);
        output = new DebertaV2Output(config);
        RegisterComponents();
    }

    /// <summary>hidden_states [B, L, H] → layer output [B, L, H] and attention probabilities [B, h, L, L].</summary>
    public override (Tensor Output, Tensor Probs) forward(Tensor hiddenStates, Tensor attentionMask, Tensor? relativePos, Tensor? relEmbeddings)
    {
        using var scope = NewDisposeScope();
        var (attentionOutput, probs) = attention.call(hiddenStates, attentionMask, relativePos, relEmbeddings);
        var layerOutput = output.call(intermediate.call(attentionOutput), attentionOutput);
        return (layerOutput.MoveToOuterDisposeScope(), probs.MoveToOuterDisposeScope());
    }
}

/// <summary>
/// The convolution that DeBERTa-v2-xlarge/xxlarge (conv_kernel_size 3) apply to the embeddings and add to the first
/// layer's output: conv over the sequence, padding zeroed, conv_act, residual LayerNorm, padding zeroed again.
/// </summary>
public sealed class ConvLayer : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    readonly Conv1d conv;
    readonly LayerNorm LayerNorm;
    readonly Dropout dropout;
    readonly Func<Tensor, Tensor> conv_act;

    /// <summary>Builds the convolution (same-length padding).</summary>
    public ConvLayer(DebertaV2Config config) : base(nameof(ConvLayer))
    {
        conv = nn.Conv1d(config.HiddenSize, config.HiddenSize, config.ConvKernelSize, padding: (config.ConvKernelSize - 1) / 2, groups: config.ConvGroups);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        conv_act = EncoderActivations.Get(config.ConvAct);
        RegisterComponents();
    }

    /// <summary>hidden_states [B, L, H] (embeddings), residual_states [B, L, H] (layer 0 output), input_mask [B, L] → [B, L, H].</summary>
    public override Tensor forward(Tensor hiddenStates, Tensor residualStates, Tensor inputMask)
    {
        using var scope = NewDisposeScope();
        var outputs = conv.call(hiddenStates.permute(0, 2, 1)).permute(0, 2, 1);              // [B, L, H]
        outputs = outputs.masked_fill(inputMask.eq(0).unsqueeze(-1), 0);
        outputs = conv_act(dropout.call(outputs));
        var normed = LayerNorm.call(residualStates + outputs);
        return (normed * inputMask.unsqueeze(2).to_type(normed.dtype)).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The layer stack with the shared relative-position embeddings (<c>rel_embeddings</c>, LayerNorm-ed when norm_rel_ebd
/// has "layer_norm"). The bucketed relative-position matrix is cached: the one for length L is the top-left block
/// of the one for any longer length, so one table serves every length up to the longest seen.
/// </summary>
public sealed class DebertaV2Encoder : nn.Module<Tensor, Tensor, bool, bool, EncoderOutput>, IGradientCheckpointing
{
    readonly ModuleList<DebertaV2Layer> layer;
    readonly Embedding? rel_embeddings;
    readonly LayerNorm? LayerNorm;
    readonly ConvLayer? conv;
    readonly RelativePositionTable? relativePositions;

    /// <summary>Builds the encoder.</summary>
    public DebertaV2Encoder(DebertaV2Config config) : base(nameof(DebertaV2Encoder))
    {
        layer = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new DebertaV2Layer(config)).ToArray());
        if (config.RelativeAttention)
        {
            rel_embeddings = nn.Embedding(config.AttentionSpan * 2, config.HiddenSize);
            relativePositions = new RelativePositionTable(config.PositionBuckets, config.ResolvedMaxRelativePositions);
        }
        if (config.NormRelEbdParts.Contains("layer_norm")) LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        if (config.ConvKernelSize > 0) conv = new ConvLayer(config);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public bool GradientCheckpointing { get; set; }

    /// <summary>The bucketed relative positions [1, L, L] for sequences of <paramref name="length"/>.</summary>
    public Tensor RelativePositions(long length, Device device) =>
        relativePositions?.Get(length, device) ?? throw new InvalidOperationException("relative_attention is off: there are no relative positions");

    /// <summary>
    /// hidden_states [B, L, H] (embedding output), attention_mask [B, L] → last hidden state, and optionally the
    /// embedding output followed by each layer's output, and each layer's attention probabilities.
    /// </summary>
    public override EncoderOutput forward(Tensor hiddenStates, Tensor attentionMask, bool outputHiddenStates, bool outputAttentions)
    {
        using var scope = NewDisposeScope();
        var extended = attentionMask.unsqueeze(1).unsqueeze(2);                                // [B, 1, 1, L]
        var pairMask = extended * extended.squeeze(-2).unsqueeze(-1);                          // [B, 1, L, L]
        var relativePos = rel_embeddings is null ? null : RelativePositions(hiddenStates.size(1), hiddenStates.device);
        var relEmbeddings = ReachableRows(RelEmbedding(), relativePos);

        var allHidden = outputHiddenStates ? new List<Tensor> { hiddenStates } : null;
        var allAttentions = outputAttentions ? new List<Tensor>() : null;
        var states = hiddenStates;
        // Checkpointed layers keep no attention probabilities (asking for them turns checkpointing off).
        var checkpointed = allAttentions is null && ActivationCheckpoint.Applies(GradientCheckpointing, training);
        for (var i = 0; i < layer.Count; i++)
        {
            Tensor output;
            if (checkpointed)
            {
                var module = layer[i];
                output = ActivationCheckpoint.Run(inputs =>
                {
                    var (o, p) = module.call(inputs[0]!, inputs[1]!, inputs[2], inputs[3]);
                    p.Dispose();
                    return o;
                }, states, pairMask, relativePos, relEmbeddings);
            }
            else
            {
                var (layerOutput, probs) = layer[i].call(states, pairMask, relativePos, relEmbeddings);
                output = layerOutput;
                // Outputs that were not asked for are released as the loop goes (autograd keeps what it needs).
                if (allAttentions is null) probs.Dispose();
                else allAttentions.Add(probs);
            }
            if (i == 0 && conv is not null)
            {
                var convOutput = conv.call(hiddenStates, output, attentionMask);
                output.Dispose();
                output = convOutput;
            }
            if (allHidden is null && !ReferenceEquals(states, hiddenStates)) states.Dispose();
            allHidden?.Add(output);
            states = output;
        }
        // The input belongs to the caller's scope; only what this method made moves out.
        return new EncoderOutput(states, allHidden, allAttentions).MoveToOuterDisposeScope(callerOwned: hiddenStates);
    }

    /// <summary>
    /// The rows [S − m, S + m] of the [2S, H] table, m the largest bucketed distance in <paramref name="relativePos"/>:
    /// the only rows any query-key pair reads. Short sequences then project and score 2m + 1 rows per layer instead of
    /// 2S (512 for v3), with the same values up to float rounding; the attention indexes the slice from its centre.
    /// </summary>
    public static Tensor? ReachableRows(Tensor? table, Tensor? relativePos)
    {
        if (table is null || relativePos is null) return table;
        long span = table.size(0) / 2, reach = relativePos.abs().max().item<long>();
        return reach < span ? table.narrow(0, span - reach, 2 * reach + 1) : table;
    }

    /// <summary>HF's get_rel_embedding: the [2S, H] table, LayerNorm-ed for v3.</summary>
    Tensor? RelEmbedding()
    {
        if (rel_embeddings is null) return null;
        return LayerNorm is null ? rel_embeddings.weight! : LayerNorm.call(rel_embeddings.weight!);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) relativePositions?.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>The cached relative-position matrix (a plain object, so TorchSharp does not register it as a buffer).</summary>
    sealed class RelativePositionTable(int bucketSize, int maxPosition) : IDisposable
    {
        readonly Lock gate = new();
        Tensor? table;                                                                          // [1, n, n] int64

        public Tensor Get(long length, Device device)
        {
            lock (gate)
            {
                if (table is null || table.size(1) < length || table.device != device)
                {
                    table?.Dispose();
                    table = DebertaV2RelativePosition.Build(length, length, bucketSize, maxPosition, device);
                    table.DetachFromDisposeScope();
                }
                return table.narrow(1, 0, length).narrow(2, 0, length);
            }
        }

        public void Dispose() => table?.Dispose();
    }
}
/// <summary>The DeBERTa-v2/v3 encoder: embeddings and encoder (HF's DebertaV2Model). Stored under "deberta." in task models.</summary>
public sealed class DebertaV2Model : EncoderModel
{
    readonly DebertaV2Embeddings embeddings;
    readonly DebertaV2Encoder encoder;
    readonly DebertaV2Config config;

    /// <summary>
    /// Builds the model from <paramref name="config"/> with Hugging Face's initialisation (normal(0, initializer_range)
    /// weights, zero biases, LayerNorm 1/0, zero padding embedding); the same <paramref name="seed"/> gives the same weights.
    /// </summary>
    public DebertaV2Model(DebertaV2Config config, long? seed = null) : this(config, initialise: true, seed) { }

    DebertaV2Model(DebertaV2Config config, bool initialise, long? seed) : base(nameof(DebertaV2Model))
    {
        config.Validate();
        this.config = config;
        embeddings = new DebertaV2Embeddings(config);
        encoder = new DebertaV2Encoder(config);
        RegisterComponents();
        if (initialise) EncoderWeightInit.Initialise(this, config, seed);
    }

    // The encoder of a task model, which initialises all of its weights (these included) itself.
    internal static DebertaV2Model ForTaskModel(DebertaV2Config config) => new(config, initialise: false, seed: null);

    /// <inheritdoc />
    public override EncoderConfig Config => config;

    /// <summary>The DeBERTa configuration.</summary>
    public DebertaV2Config DebertaConfig => config;

    /// <inheritdoc />
    public override string BasePrefix => "deberta.";

    /// <summary>The embeddings module.</summary>
    public DebertaV2Embeddings Embeddings => embeddings;

    /// <summary>The encoder (layer stack and relative-position embeddings).</summary>
    public DebertaV2Encoder Encoder => encoder;

    /// <summary>Loads a DeBERTa-v2/v3 folder (config.json + safetensors); a task checkpoint's "deberta." weights load too.</summary>
    public static DebertaV2Model FromPretrained(string folder, EncoderLoadOptions? options = null) =>
        HuggingFaceLayout.Load(folder, DebertaV2Config.FromJson, (config, seed) => new DebertaV2Model(config, seed), options);

    /// <summary>input_ids/attention_mask [B, L] (token_type_ids used only when type_vocab_size > 0) → hidden states [B, L, H].</summary>
    public override EncoderOutput forward(EncoderInput input)
    {
        using var scope = NewDisposeScope();
        var embeddingOutput = embeddings.call(input.InputIds, input.TokenTypeIds, input.AttentionMask);
        return encoder.call(embeddingOutput, input.AttentionMask, input.OutputHiddenStates, input.OutputAttentions).MoveToOuterDisposeScope();
    }
}

/// <summary>Pools a sequence by its first ([CLS]) token: dropout, dense, pooler_hidden_act.</summary>
public sealed class ContextPooler : nn.Module<Tensor, Tensor>
{
    readonly Linear dense;
    readonly Dropout dropout;
    readonly Func<Tensor, Tensor> activation;

    /// <summary>Builds the pooler (pooler_hidden_size = hidden_size).</summary>
    public ContextPooler(DebertaV2Config config) : base(nameof(ContextPooler))
    {
        var size = config.PoolerHiddenSize ?? config.HiddenSize;
        dense = nn.Linear(size, size);
        dropout = nn.Dropout(config.PoolerDropout);
        activation = EncoderActivations.Get(config.PoolerHiddenAct);
        RegisterComponents();
    }

    /// <summary>hidden_states [B, L, H] → pooled [B, H].</summary>
    public override Tensor forward(Tensor hiddenStates)
    {
        using var scope = NewDisposeScope();
        var contextToken = hiddenStates.select(1, 0);                                           // [B, H]
        return activation(dense.call(dropout.call(contextToken))).MoveToOuterDisposeScope();
    }
}

/// <summary>Token classification (NER): encoder, dropout, linear classifier per token (HF's DebertaV2ForTokenClassification).</summary>
public sealed class DebertaV2ForTokenClassification : EncoderClassifier, ILinearHeadClassifier
{
    readonly DebertaV2Model deberta;
    readonly Dropout dropout;
    readonly Linear classifier;

    /// <summary>
    /// Builds the model with HF initialisation; labels come from the config's id2label (LABEL_0, LABEL_1 are set on
    /// it when it has none, as HF's default num_labels 2).
    /// </summary>
    public DebertaV2ForTokenClassification(DebertaV2Config config, long? seed = null) : base(nameof(DebertaV2ForTokenClassification))
    {
        config.Labels ??= DefaultLabels();
        deberta = DebertaV2Model.ForTaskModel(config);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        classifier = nn.Linear(config.HiddenSize, config.Labels.Count);
        RegisterComponents();
        EncoderWeightInit.Initialise(this, config, seed);
    }

    /// <inheritdoc />
    public override EncoderModel Encoder => deberta;

    /// <summary>The DeBERTa encoder (HF's <c>model.deberta</c>).</summary>
    public DebertaV2Model Deberta => deberta;

    /// <inheritdoc />
    public override ClassificationTask Task => ClassificationTask.TokenClassification;

    /// <summary>
    /// Loads a token-classification checkpoint, or a base checkpoint with a freshly initialised (reported) classifier,
    /// seeded by <see cref="EncoderLoadOptions.Seed"/>, as HF's from_pretrained does.
    /// </summary>
    public static DebertaV2ForTokenClassification FromPretrained(string folder, EncoderLoadOptions? options = null) =>
        HuggingFaceLayout.Load(folder, DebertaV2Config.FromJson, (config, seed) => new DebertaV2ForTokenClassification(config, seed), options);

    /// <summary>input_ids/attention_mask [B, L] → logits [B, L, num_labels] and the encoder output.</summary>
    public override ClassifierOutput forward(EncoderInput input)
    {
        using var scope = NewDisposeScope();
        var outputs = deberta.call(input);
        var logits = classifier.call(dropout.call(outputs.LastHiddenState));                   // [B, L, labels]
        return new ClassifierOutput(logits.MoveToOuterDisposeScope(), outputs.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public Linear OutputLayer => classifier;

    /// <inheritdoc />
    public Tensor Features(EncoderInput input)
    {
        using var scope = NewDisposeScope();
        return deberta.call(input).LastHiddenState.MoveToOuterDisposeScope();                  // [B, L, H]
    }
}

/// <summary>
/// Sequence classification: encoder, ContextPooler on [CLS], dropout, linear classifier (HF's
/// DebertaV2ForSequenceClassification). From a base checkpoint the pooler and the classifier (the keys outside
/// "deberta.") are freshly initialised.
/// </summary>
public sealed class DebertaV2ForSequenceClassification : EncoderClassifier, ILinearHeadClassifier
{
    readonly DebertaV2Model deberta;
    readonly ContextPooler pooler;
    readonly Linear classifier;
    readonly Dropout dropout;
    readonly SequencePooling pooling;

    /// <summary>
    /// Builds the model with HF initialisation; labels come from the config's id2label (LABEL_0, LABEL_1 are set on
    /// it when it has none, as HF's default num_labels 2).
    /// </summary>
    public DebertaV2ForSequenceClassification(DebertaV2Config config, long? seed = null) : base(nameof(DebertaV2ForSequenceClassification))
    {
        config.Labels ??= DefaultLabels();
        pooling = SequencePoolings.Of(config);
        deberta = DebertaV2Model.ForTaskModel(config);
        pooler = new ContextPooler(config);
        classifier = nn.Linear(config.PoolerHiddenSize ?? config.HiddenSize, config.Labels.Count);
        dropout = nn.Dropout(config.ClsDropout ?? config.HiddenDropoutProb);
        RegisterComponents();
        EncoderWeightInit.Initialise(this, config, seed);
    }

    /// <inheritdoc />
    public override EncoderModel Encoder => deberta;

    /// <summary>The DeBERTa encoder (HF's <c>model.deberta</c>).</summary>
    public DebertaV2Model Deberta => deberta;

    /// <summary>The ContextPooler.</summary>
    public ContextPooler Pooler => pooler;

    /// <inheritdoc />
    public override ClassificationTask Task => ClassificationTask.SequenceClassification;

    /// <summary>
    /// Loads a sequence-classification checkpoint, or a base checkpoint with a freshly initialised (reported) pooler
    /// and classifier, seeded by <see cref="EncoderLoadOptions.Seed"/>, as HF's from_pretrained does.
    /// </summary>
    public static DebertaV2ForSequenceClassification FromPretrained(string folder, EncoderLoadOptions? options = null) =>
        HuggingFaceLayout.Load(folder, DebertaV2Config.FromJson, (config, seed) => new DebertaV2ForSequenceClassification(config, seed), options);

    /// <summary>input_ids/attention_mask [B, L] → logits [B, num_labels] and the encoder output.</summary>
    public override ClassifierOutput forward(EncoderInput input)
    {
        using var scope = NewDisposeScope();
        var outputs = deberta.call(input);
        var logits = classifier.call(dropout.call(Pool(outputs, input)));                       // [B, labels]
        return new ClassifierOutput(logits.MoveToOuterDisposeScope(), outputs.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public Linear OutputLayer => classifier;

    /// <inheritdoc />
    public Tensor Features(EncoderInput input)
    {
        using var scope = NewDisposeScope();
        return Pool(deberta.call(input), input).MoveToOuterDisposeScope();
    }

    // The ContextPooler on [CLS] as HF does, or the normalised token mean (its output size must then be the hidden size).
    Tensor Pool(EncoderOutput outputs, EncoderInput input) => pooling == SequencePooling.Mean
        ? SequencePoolings.MeanNormalised(outputs.LastHiddenState, input.AttentionMask!)         // [B, H]
        : pooler.call(outputs.LastHiddenState);                                               // [B, H]
}

/// <summary>The DeBERTa-v2/v3 entry of <see cref="EncoderModels"/> (model_type "deberta-v2", which mDeBERTa-v3 shares).</summary>
public static class DebertaV2Architecture
{
    /// <summary>Reads DebertaV2Config and builds DebertaV2Model, DebertaV2ForTokenClassification or DebertaV2ForSequenceClassification.</summary>
    public static EncoderArchitecture Instance { get; } = EncoderArchitecture.Of<DebertaV2Config>(
        DebertaV2Config.FromJson,
        (config, seed) => new DebertaV2Model(config, seed),
        (config, task, seed) => task switch
        {
            ClassificationTask.TokenClassification => new DebertaV2ForTokenClassification(config, seed),
            ClassificationTask.SequenceClassification => new DebertaV2ForSequenceClassification(config, seed),
            _ => throw new ArgumentOutOfRangeException(nameof(task), task, null),
        });
}
