using Locus.Models.Configuration;
using Locus.Models.Encoders;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Locus.Training.Pretraining;

/// <summary>
/// The masked-language-model head of BertForMaskedLM / DebertaV2ForMaskedLM (HF keys <c>cls.predictions.*</c>):
/// transform (dense, activation, LayerNorm), then a decoder to the vocabulary whose weight is tied to the word
/// embeddings, plus an output bias.
/// </summary>
public sealed class MaskedLMPredictionHead : nn.Module<Tensor, Tensor>
{
    readonly Transform transform;
    readonly Linear decoder;
    readonly Parameter bias;

    sealed class Transform : nn.Module<Tensor, Tensor>
    {
        readonly Linear dense;
        readonly LayerNorm LayerNorm;
        readonly Func<Tensor, Tensor> activation;

        public Transform(EncoderConfig config) : base("transform")
        {
            dense = nn.Linear(config.HiddenSize, config.HiddenSize);
            LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
            activation = EncoderActivations.Get(config.HiddenAct);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => LayerNorm.call(activation(dense.call(x)));
    }

    /// <summary>Builds the head; <paramref name="wordEmbeddings"/> becomes the decoder weight (tied, as in HF).</summary>
    public MaskedLMPredictionHead(EncoderConfig config, Parameter wordEmbeddings) : base("predictions")
    {
        transform = new Transform(config);
        decoder = nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false);
        decoder.weight = wordEmbeddings;
        bias = new Parameter(zeros(config.VocabSize));
        RegisterComponents();
    }

    /// <summary>hidden states [N, H] → vocabulary logits [N, V].</summary>
    public override Tensor forward(Tensor hidden) => decoder.call(transform.call(hidden)).add(bias);
}

/// <summary>
/// An encoder with the MLM head, saved in Hugging Face's layout as BertForMaskedLM or DebertaV2ForMaskedLM, so the
/// pre-trained folder loads as a base encoder here (the head is then unused) and in Python transformers.
/// </summary>
public sealed class EncoderForMaskedLM : nn.Module<EncoderInput, Tensor>, IHuggingFaceModel
{
    readonly EncoderModel encoder;
    readonly nn.Module<Tensor, Tensor> cls;

    sealed class OnlyMLMHead : nn.Module<Tensor, Tensor>
    {
        readonly MaskedLMPredictionHead predictions;

        public OnlyMLMHead(EncoderConfig config, Parameter wordEmbeddings) : base("cls")
        {
            predictions = new MaskedLMPredictionHead(config, wordEmbeddings);
            RegisterComponents();
        }

        public override Tensor forward(Tensor hidden) => predictions.call(hidden);
    }

    /// <summary>Wraps <paramref name="encoder"/> (registered under its base prefix, e.g. "bert") with a new MLM head.</summary>
    public EncoderForMaskedLM(EncoderModel encoder, long? seed = null) : base(nameof(EncoderForMaskedLM))
    {
        this.encoder = encoder;
        var wordEmbeddings = encoder.named_parameters().First(p => p.name == "embeddings.word_embeddings.weight").parameter;
        cls = new OnlyMLMHead(encoder.Config, wordEmbeddings);
        register_module(encoder.BasePrefix.TrimEnd('.'), encoder);
        register_module("cls", cls);
        using var generator = EncoderWeightInit.CreateGenerator(seed);
        using (no_grad())
        {
            // Every head parameter is set here (HF's init: dense weight normal, its bias zero); left at TorchSharp's
            // default, the dense bias came from the global generator and a seeded run still differed from the last.
            foreach (var (name, p) in cls.named_parameters())
            {
                if (name.EndsWith("dense.weight", StringComparison.Ordinal)) p.normal_(0, encoder.Config.InitializerRange, generator);
                else if (name.EndsWith("dense.bias", StringComparison.Ordinal)) p.zero_();
            }
        }
    }

    /// <summary>The encoder.</summary>
    public EncoderModel Encoder => encoder;

    /// <inheritdoc />
    public EncoderConfig Config => encoder.Config;

    /// <inheritdoc />
    public string BasePrefix => encoder.BasePrefix;

    /// <inheritdoc />
    public string Architecture => Config.ModelType switch
    {
        "bert" => "BertForMaskedLM",
        "deberta-v2" => "DebertaV2ForMaskedLM",
        var other => $"{other}ForMaskedLM",
    };

    /// <summary>A continued pre-training run may start from a checkpoint that has no MLM head.</summary>
    public bool MayInitialiseMissing(string key) => key.StartsWith("cls.", StringComparison.Ordinal);

    /// <summary>Logits for the positions selected by <paramref name="maskedPositions"/> only: [M, V] (saves the full [B, L, V]).</summary>
    public Tensor ForwardMasked(EncoderInput input, Tensor maskedPositions)
    {
        using var scope = NewDisposeScope();
        var hidden = encoder.call(input).LastHiddenState;                  // [B, L, H]
        var selected = hidden[maskedPositions];                             // [M, H]
        return cls.call(selected).MoveToOuterDisposeScope();               // [M, V]
    }

    /// <summary>Vocabulary logits for every position: [B, L, V].</summary>
    public override Tensor forward(EncoderInput input)
    {
        using var scope = NewDisposeScope();
        return cls.call(encoder.call(input).LastHiddenState).MoveToOuterDisposeScope();
    }
}
