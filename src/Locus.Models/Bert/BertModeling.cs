using Locus.Models.Configuration;
using Locus.Models.Encoders;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Locus.Models.Bert;

// The BERT encoder as Hugging Face's modeling_bert.py defines it (eager attention, absolute positions).
// Field names are HF's attribute names: RegisterComponents() turns them into the state-dict keys, so
// "encoder.layer.0.attention.self.query.weight" loads by name from a checkpoint and saves back under it.
// Shapes: B batch, L sequence length, H hidden size, N heads, D head size (H = N * D), I intermediate size.

/// <summary>Word + position + token-type embeddings, then LayerNorm and dropout.</summary>
public sealed class BertEmbeddings : Module<Tensor, Tensor?, Tensor>
{
    readonly Embedding word_embeddings;
    readonly Embedding position_embeddings;
    readonly Embedding token_type_embeddings;
    readonly LayerNorm LayerNorm;
    readonly Dropout dropout;
    readonly BertConfig config;

    /// <summary>Creates the embeddings for <paramref name="config"/>.</summary>
    public BertEmbeddings(BertConfig config) : base(nameof(BertEmbeddings))
    {
        this.config = config;
        word_embeddings = nn.Embedding(config.VocabSize, config.HiddenSize, padding_idx: config.PadTokenId);
        position_embeddings = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize);
        token_type_embeddings = nn.Embedding(config.TypeVocabSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, eps: config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <summary>input_ids [B, L] and token_type_ids [B, L] (null: all zeros) → embeddings [B, L, H].</summary>
    public override Tensor forward(Tensor inputIds, Tensor? tokenTypeIds)
    {
        var length = inputIds.shape[1];
        if (length > config.MaxPositionEmbeddings)
            throw new LocusException($"sequence length {length} exceeds max_position_embeddings {config.MaxPositionEmbeddings}; truncate the input");

        using var scope = NewDisposeScope();
        var positionIds = arange(length, ScalarType.Int64, inputIds.device).unsqueeze(0);         // [1, L]
        var tokenTypes = tokenTypeIds ?? zeros_like(inputIds);                                     // [B, L]
        var embeddings = word_embeddings.call(inputIds) + token_type_embeddings.call(tokenTypes); // [B, L, H]
        embeddings = embeddings + position_embeddings.call(positionIds);
        embeddings = dropout.call(LayerNorm.call(embeddings));
        return embeddings.MoveToOuterDisposeScope();
    }
}

/// <summary>Multi-head scaled dot-product self-attention with an additive padding mask.</summary>
public sealed class BertSelfAttention : Module<Tensor, Tensor, (Tensor Context, Tensor Probs)>
{
    readonly Linear query;
    readonly Linear key;
    readonly Linear value;
    readonly Dropout dropout;
    readonly int numHeads;
    readonly int headSize;

    /// <summary>Creates the attention for <paramref name="config"/>.</summary>
    public BertSelfAttention(BertConfig config) : base(nameof(BertSelfAttention))
    {
        numHeads = config.NumAttentionHeads;
        headSize = config.HeadDim;
        query = nn.Linear(config.HiddenSize, config.HiddenSize);
        key = nn.Linear(config.HiddenSize, config.HiddenSize);
        value = nn.Linear(config.HiddenSize, config.HiddenSize);
        dropout = nn.Dropout(config.AttentionProbsDropoutProb);
        RegisterComponents();
    }

    /// <summary>
    /// hidden_states [B, L, H] and the additive mask [B, 1, 1, L] → context [B, L, H] and attention
    /// probabilities [B, N, L, L] (after dropout, as HF returns them).
    /// </summary>
    public override (Tensor Context, Tensor Probs) forward(Tensor hiddenStates, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var queryLayer = TransposeForScores(query.call(hiddenStates));                 // [B, N, L, D]
        var keyLayer = TransposeForScores(key.call(hiddenStates));                     // [B, N, L, D]
        var valueLayer = TransposeForScores(value.call(hiddenStates));                 // [B, N, L, D]

        var scores = matmul(queryLayer, keyLayer.transpose(-1, -2)) / Math.Sqrt(headSize); // [B, N, L, L]
        scores = scores + attentionMask;
        // Normalise in float32 whatever the model dtype: a bf16 softmax over long rows loses the small
        // probabilities. For float32 models this is exactly HF's softmax.
        var probs = functional.softmax(scores, -1, ScalarType.Float32).to_type(scores.dtype);
        probs = dropout.call(probs);

        var context = matmul(probs, valueLayer).permute(0, 2, 1, 3).contiguous();         // [B, L, N, D]
        context = context.view(context.shape[0], context.shape[1], numHeads * headSize);   // [B, L, H]
        return (context.MoveToOuterDisposeScope(), probs.MoveToOuterDisposeScope());
    }

    // [B, L, H] → [B, N, L, D]
    Tensor TransposeForScores(Tensor x) => x.view(x.shape[0], x.shape[1], numHeads, headSize).permute(0, 2, 1, 3);
}

/// <summary>Projection of the attention context, dropout, residual and LayerNorm.</summary>
public sealed class BertSelfOutput : Module<Tensor, Tensor, Tensor>
{
    readonly Linear dense;
    readonly LayerNorm LayerNorm;
    readonly Dropout dropout;

    /// <summary>Creates the block for <paramref name="config"/>.</summary>
    public BertSelfOutput(BertConfig config) : base(nameof(BertSelfOutput))
    {
        dense = nn.Linear(config.HiddenSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, eps: config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <summary>context [B, L, H] and the attention input [B, L, H] (the residual) → [B, L, H].</summary>
    public override Tensor forward(Tensor hiddenStates, Tensor inputTensor)
    {
        using var scope = NewDisposeScope();
        var output = LayerNorm.call(dropout.call(dense.call(hiddenStates)) + inputTensor);
        return output.MoveToOuterDisposeScope();
    }
}

/// <summary>Self-attention followed by its output block.</summary>
public sealed class BertAttention : Module<Tensor, Tensor, (Tensor Output, Tensor Probs)>
{
    // HF names this attribute "self"; C# allows the identifier, and the state-dict key needs it.
    readonly BertSelfAttention self;
    readonly BertSelfOutput output;

    /// <summary>Creates the block for <paramref name="config"/>.</summary>
    public BertAttention(BertConfig config) : base(nameof(BertAttention))
    {
        self = new BertSelfAttention(config);
        output = new BertSelfOutput(config);
        RegisterComponents();
    }

    /// <summary>hidden_states [B, L, H], mask [B, 1, 1, L] → attention output [B, L, H], probabilities [B, N, L, L].</summary>
    public override (Tensor Output, Tensor Probs) forward(Tensor hiddenStates, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var (context, probs) = self.call(hiddenStates, attentionMask);
        var attentionOutput = output.call(context, hiddenStates);
        return (attentionOutput.MoveToOuterDisposeScope(), probs.MoveToOuterDisposeScope());
    }
}

/// <summary>The feed-forward expansion: dense to the intermediate size and the activation.</summary>
public sealed class BertIntermediate : Module<Tensor, Tensor>
{
    readonly Linear dense;
    readonly Func<Tensor, Tensor> intermediate_act_fn;

    /// <summary>Creates the block for <paramref name="config"/>.</summary>
    public BertIntermediate(BertConfig config) : base(nameof(BertIntermediate))
    {
        dense = nn.Linear(config.HiddenSize, config.IntermediateSize);
        intermediate_act_fn = EncoderActivations.Get(config.HiddenAct);
        RegisterComponents();
    }

    /// <summary>[B, L, H] → [B, L, I].</summary>
    public override Tensor forward(Tensor hiddenStates)
    {
        using var scope = NewDisposeScope();
        return intermediate_act_fn(dense.call(hiddenStates)).MoveToOuterDisposeScope();
    }
}

/// <summary>The feed-forward contraction back to the hidden size, dropout, residual and LayerNorm.</summary>
public sealed class BertOutput : Module<Tensor, Tensor, Tensor>
{
    readonly Linear dense;
    readonly LayerNorm LayerNorm;
    readonly Dropout dropout;

    /// <summary>Creates the block for <paramref name="config"/>.</summary>
    public BertOutput(BertConfig config) : base(nameof(BertOutput))
    {
        dense = nn.Linear(config.IntermediateSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, eps: config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <summary>intermediate [B, L, I] and the attention output [B, L, H] (the residual) → [B, L, H].</summary>
    public override Tensor forward(Tensor hiddenStates, Tensor inputTensor)
    {
        using var scope = NewDisposeScope();
        var output = LayerNorm.call(dropout.call(dense.call(hiddenStates)) + inputTensor);
        return output.MoveToOuterDisposeScope();
    }
}

/// <summary>One transformer layer: attention, then the feed-forward block.</summary>
public sealed class BertLayer : Module<Tensor, Tensor, (Tensor Output, Tensor Probs)>
{
    readonly BertAttention attention;
    readonly BertIntermediate intermediate;
    readonly BertOutput output;

    /// <summary>Creates the layer for <paramref name="config"/>.</summary>
    public BertLayer(BertConfig config) : base(nameof(BertLayer))
    {
        attention = new BertAttention(config);
        intermediate = new BertIntermediate(config);
        output = new BertOutput(config);
        RegisterComponents();
    }

    /// <summary>hidden_states [B, L, H], mask [B, 1, 1, L] → layer output [B, L, H], probabilities [B, N, L, L].</summary>
    public override (Tensor Output, Tensor Probs) forward(Tensor hiddenStates, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var (attentionOutput, probs) = attention.call(hiddenStates, attentionMask);
        var layerOutput = output.call(intermediate.call(attentionOutput), attentionOutput);
        return (layerOutput.MoveToOuterDisposeScope(), probs.MoveToOuterDisposeScope());
    }
}

/// <summary>The stack of <see cref="BertLayer"/>s, collecting hidden states and attentions when asked.</summary>
public sealed class BertEncoder : Module<Tensor, Tensor, bool, bool, EncoderOutput>, IGradientCheckpointing
{
    readonly ModuleList<BertLayer> layer;

    /// <summary>Creates num_hidden_layers layers.</summary>
    public BertEncoder(BertConfig config) : base(nameof(BertEncoder))
    {
        layer = new ModuleList<BertLayer>(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new BertLayer(config)).ToArray());
        RegisterComponents();
    }

    /// <inheritdoc/>
    public bool GradientCheckpointing { get; set; }

    /// <summary>
    /// Embedding output [B, L, H] and mask [B, 1, 1, L] → last hidden state, plus (when asked) the embedding
    /// output and every layer's output, and every layer's attention probabilities. The results live in the
    /// caller's dispose scope; intermediate results that were not asked for are released as the loop goes.
    /// </summary>
    public override EncoderOutput forward(Tensor hiddenStates, Tensor attentionMask, bool outputHiddenStates, bool outputAttentions)
    {
        List<Tensor>? allHiddenStates = outputHiddenStates ? [hiddenStates] : null;
        List<Tensor>? allAttentions = outputAttentions ? [] : null;
        var hidden = hiddenStates;
        // Checkpointed layers keep no attention probabilities (asking for them turns checkpointing off).
        var checkpointed = allAttentions is null && ActivationCheckpoint.Applies(GradientCheckpointing, training);
        foreach (var layerModule in layer)
        {
            Tensor layerOutput;
            if (checkpointed)
                layerOutput = ActivationCheckpoint.Run(inputs =>
                {
                    var (o, p) = layerModule.call(inputs[0]!, inputs[1]!);
                    p.Dispose();
                    return o;
                }, hidden, attentionMask);
            else
            {
                (layerOutput, var probs) = layerModule.call(hidden, attentionMask);
                if (allAttentions is null) probs.Dispose();
                else allAttentions.Add(probs);
            }
            if (allHiddenStates is null && !ReferenceEquals(hidden, hiddenStates)) hidden.Dispose();
            hidden = layerOutput;
            allHiddenStates?.Add(hidden);
        }
        return new EncoderOutput(hidden, allHiddenStates, allAttentions);
    }
}

/// <summary>Dense + tanh on the first ([CLS]) token.</summary>
public sealed class BertPooler : Module<Tensor, Tensor>
{
    readonly Linear dense;

    /// <summary>Creates the pooler for <paramref name="config"/>.</summary>
    public BertPooler(BertConfig config) : base(nameof(BertPooler))
    {
        dense = nn.Linear(config.HiddenSize, config.HiddenSize);
        RegisterComponents();
    }

    /// <summary>[B, L, H] → [B, H].</summary>
    public override Tensor forward(Tensor hiddenStates)
    {
        using var scope = NewDisposeScope();
        var firstToken = hiddenStates.select(1, 0);                                       // [B, H]
        return tanh(dense.call(firstToken)).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The bare BERT encoder (HF's BertModel): embeddings, encoder and an optional pooler. Loads BERT, MiniLM,
/// E5 and BGE checkpoints.
/// </summary>
public sealed class BertModel : EncoderModel
{
    readonly BertEmbeddings embeddings;
    readonly BertEncoder encoder;
    readonly BertPooler? pooler;
    readonly BertConfig config;

    /// <summary>
    /// Builds a randomly initialised model as HF's _init_weights does (deterministic when <paramref name="seed"/>
    /// is given); <paramref name="addPoolingLayer"/> is HF's add_pooling_layer.
    /// </summary>
    public BertModel(BertConfig config, bool addPoolingLayer = true, long? seed = null) : this(config, addPoolingLayer, initialise: true, seed) { }

    BertModel(BertConfig config, bool addPoolingLayer, bool initialise, long? seed) : base(nameof(BertModel))
    {
        this.config = config;
        embeddings = new BertEmbeddings(config);
        encoder = new BertEncoder(config);
        pooler = addPoolingLayer ? new BertPooler(config) : null;
        RegisterComponents();
        if (initialise) InitWeights(this, config, seed);
    }

    // The encoder of a task model, which initialises all of its weights (these included) itself.
    internal static BertModel ForTaskModel(BertConfig config, bool addPoolingLayer) => new(config, addPoolingLayer, initialise: false, seed: null);

    /// <inheritdoc />
    public override EncoderConfig Config => config;

    /// <inheritdoc />
    public override string BasePrefix => "bert.";

    /// <summary>Whether the model has a pooler (add_pooling_layer).</summary>
    public bool HasPooler => pooler is not null;

    /// <summary>The pooler may be missing from a checkpoint (task models without one): HF initialises it freshly.</summary>
    public override bool MayInitialiseMissing(string key) => key.StartsWith("pooler.", StringComparison.Ordinal);

    /// <summary>Loads a base or task checkpoint folder (config.json + safetensors) into a BertModel with a pooler.</summary>
    public static BertModel FromPretrained(string folder, EncoderLoadOptions? options = null) =>
        HuggingFaceLayout.Load(folder, BertConfig.FromJson, (config, seed) => new BertModel(config, seed: seed), options);

    /// <summary>Runs the encoder: last hidden state [B, L, H], pooler output [B, H] when the model has a pooler.</summary>
    public override EncoderOutput forward(EncoderInput input)
    {
        var (inputIds, attentionMask) = (input.InputIds, input.AttentionMask);
        if (inputIds.dim() != 2 || !attentionMask.shape.SequenceEqual(inputIds.shape))
            throw new ArgumentException($"input_ids must be [batch, seq] and attention_mask the same shape; got [{string.Join(", ", inputIds.shape)}] and [{string.Join(", ", attentionMask.shape)}]", nameof(input));

        using var scope = NewDisposeScope();
        var embeddingOutput = embeddings.call(inputIds, input.TokenTypeIds);                    // [B, L, H]
        var extendedMask = ExtendedAttentionMask(attentionMask, embeddingOutput.dtype);            // [B, 1, 1, L]
        var encoderOutput = encoder.call(embeddingOutput, extendedMask, input.OutputHiddenStates, input.OutputAttentions);
        var pooledOutput = pooler?.call(encoderOutput.LastHiddenState);                         // [B, H]
        return (encoderOutput with { PoolerOutput = pooledOutput }).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// attention_mask [B, L] of 1/0 → [B, 1, 1, L] holding 0 for real tokens and the dtype's most negative
    /// value for padding, added to the attention scores (HF's get_extended_attention_mask).
    /// </summary>
    public static Tensor ExtendedAttentionMask(Tensor attentionMask, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var mask = attentionMask.unsqueeze(1).unsqueeze(2).to_type(dtype);
        return ((1.0 - mask) * finfo(dtype).min).MoveToOuterDisposeScope();
    }

    /// <summary>HF's BertPreTrainedModel._init_weights applied to every submodule of <paramref name="root"/>.</summary>
    internal static void InitWeights(Module root, BertConfig config, long? seed) => EncoderWeightInit.Initialise(root, config, seed);
}

/// <summary>BERT with a per-token linear classifier (no pooler), for NER: HF's BertForTokenClassification.</summary>
public sealed class BertForTokenClassification : EncoderClassifier, ILinearHeadClassifier
{
    readonly BertModel bert;
    readonly Dropout dropout;
    readonly Linear classifier;

    /// <summary>
    /// Builds a randomly initialised model; labels come from the config's id2label (LABEL_0, LABEL_1 are set
    /// on it when it has none, as HF's default num_labels 2).
    /// </summary>
    public BertForTokenClassification(BertConfig config, long? seed = null) : base(nameof(BertForTokenClassification))
    {
        config.Labels ??= DefaultLabels();
        bert = BertModel.ForTaskModel(config, addPoolingLayer: false);
        dropout = nn.Dropout(config.ClassifierDropout ?? config.HiddenDropoutProb);
        classifier = nn.Linear(config.HiddenSize, config.Labels.Count);
        RegisterComponents();
        BertModel.InitWeights(this, config, seed);
    }

    /// <inheritdoc />
    public override EncoderModel Encoder => bert;

    /// <summary>The BERT encoder (HF's <c>model.bert</c>).</summary>
    public BertModel Bert => bert;

    /// <inheritdoc />
    public override ClassificationTask Task => ClassificationTask.TokenClassification;

    /// <summary>Loads a token-classification checkpoint, or a base checkpoint with a freshly initialised (reported) classifier.</summary>
    public static BertForTokenClassification FromPretrained(string folder, EncoderLoadOptions? options = null) =>
        HuggingFaceLayout.Load(folder, BertConfig.FromJson, (config, seed) => new BertForTokenClassification(config, seed), options);

    /// <summary>Logits [B, L, num_labels] for every token.</summary>
    public override ClassifierOutput forward(EncoderInput input)
    {
        using var scope = NewDisposeScope();
        var outputs = bert.call(input);
        var logits = classifier.call(dropout.call(outputs.LastHiddenState));                 // [B, L, labels]
        return new ClassifierOutput(logits.MoveToOuterDisposeScope(), outputs.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public Linear OutputLayer => classifier;

    /// <inheritdoc />
    public Tensor Features(EncoderInput input)
    {
        using var scope = NewDisposeScope();
        return bert.call(input).LastHiddenState.MoveToOuterDisposeScope();                    // [B, L, H]
    }
}

/// <summary>BERT with a linear classifier on the pooled [CLS] token: HF's BertForSequenceClassification.</summary>
public sealed class BertForSequenceClassification : EncoderClassifier, ILinearHeadClassifier
{
    readonly BertModel bert;
    readonly Dropout dropout;
    readonly Linear classifier;
    readonly SequencePooling pooling;

    /// <summary>
    /// Builds a randomly initialised model; labels come from the config's id2label (LABEL_0, LABEL_1 are set
    /// on it when it has none, as HF's default num_labels 2).
    /// </summary>
    public BertForSequenceClassification(BertConfig config, long? seed = null) : base(nameof(BertForSequenceClassification))
    {
        config.Labels ??= DefaultLabels();
        pooling = SequencePoolings.Of(config);
        bert = BertModel.ForTaskModel(config, addPoolingLayer: true);
        dropout = nn.Dropout(config.ClassifierDropout ?? config.HiddenDropoutProb);
        classifier = nn.Linear(config.HiddenSize, config.Labels.Count);
        RegisterComponents();
        BertModel.InitWeights(this, config, seed);
    }

    /// <inheritdoc />
    public override EncoderModel Encoder => bert;

    /// <summary>The BERT encoder (HF's <c>model.bert</c>).</summary>
    public BertModel Bert => bert;

    /// <inheritdoc />
    public override ClassificationTask Task => ClassificationTask.SequenceClassification;

    /// <summary>Loads a sequence-classification checkpoint, or a base checkpoint with a freshly initialised (reported) classifier.</summary>
    public static BertForSequenceClassification FromPretrained(string folder, EncoderLoadOptions? options = null) =>
        HuggingFaceLayout.Load(folder, BertConfig.FromJson, (config, seed) => new BertForSequenceClassification(config, seed), options);

    /// <inheritdoc />
    public Linear OutputLayer => classifier;

    /// <summary>Logits [B, num_labels] from the pooled output (or the normalised token mean, see <see cref="SequencePooling"/>).</summary>
    public override ClassifierOutput forward(EncoderInput input)
    {
        using var scope = NewDisposeScope();
        var outputs = bert.call(input);
        var logits = classifier.call(dropout.call(Pool(outputs, input)));                    // [B, labels]
        return new ClassifierOutput(logits.MoveToOuterDisposeScope(), outputs.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public Tensor Features(EncoderInput input)
    {
        using var scope = NewDisposeScope();
        return Pool(bert.call(input), input).MoveToOuterDisposeScope();
    }

    Tensor Pool(EncoderOutput outputs, EncoderInput input) => pooling == SequencePooling.Mean
        ? SequencePoolings.MeanNormalised(outputs.LastHiddenState, input.AttentionMask!)           // [B, H]
        : outputs.PoolerOutput!;
}

/// <summary>The BERT entry of <see cref="EncoderModels"/> (model_type "bert").</summary>
public static class BertArchitecture
{
    /// <summary>Reads BertConfig and builds BertModel, BertForTokenClassification or BertForSequenceClassification.</summary>
    public static EncoderArchitecture Instance { get; } = EncoderArchitecture.Of<BertConfig>(
        BertConfig.FromJson,
        (config, seed) => new BertModel(config, seed: seed),
        (config, task, seed) => task switch
        {
            ClassificationTask.TokenClassification => new BertForTokenClassification(config, seed),
            ClassificationTask.SequenceClassification => new BertForSequenceClassification(config, seed),
            _ => throw new ArgumentOutOfRangeException(nameof(task), task, null),
        });
}
