using System.Text.Json.Nodes;

namespace Locus.Models.Configuration;

/// <summary>
/// The settings that every BERT-family and DeBERTa encoder shares, with Hugging Face's key names in the docs.
/// Architecture configs derive from it and add their own keys.
/// </summary>
public abstract class EncoderConfig
{
    /// <summary><c>model_type</c>: "bert", "deberta-v2", ...</summary>
    public abstract string ModelType { get; }

    /// <summary><c>vocab_size</c>.</summary>
    public int VocabSize { get; set; }

    /// <summary><c>hidden_size</c>.</summary>
    public int HiddenSize { get; set; } = 768;

    /// <summary><c>num_hidden_layers</c>.</summary>
    public int NumHiddenLayers { get; set; } = 12;

    /// <summary><c>num_attention_heads</c>.</summary>
    public int NumAttentionHeads { get; set; } = 12;

    /// <summary><c>intermediate_size</c>.</summary>
    public int IntermediateSize { get; set; } = 3072;

    /// <summary><c>hidden_act</c>: "gelu" (exact erf), "gelu_new"/"gelu_pytorch_tanh" (tanh approximation), "relu".</summary>
    public string HiddenAct { get; set; } = "gelu";

    /// <summary><c>hidden_dropout_prob</c>.</summary>
    public double HiddenDropoutProb { get; set; } = 0.1;

    /// <summary><c>attention_probs_dropout_prob</c>.</summary>
    public double AttentionProbsDropoutProb { get; set; } = 0.1;

    /// <summary><c>max_position_embeddings</c>.</summary>
    public int MaxPositionEmbeddings { get; set; } = 512;

    /// <summary><c>type_vocab_size</c> (0 means no token-type embeddings).</summary>
    public int TypeVocabSize { get; set; } = 2;

    /// <summary><c>layer_norm_eps</c>.</summary>
    public double LayerNormEps { get; set; } = 1e-12;

    /// <summary><c>pad_token_id</c>.</summary>
    public int PadTokenId { get; set; }

    /// <summary><c>initializer_range</c>: the standard deviation of the normal initialisation.</summary>
    public double InitializerRange { get; set; } = 0.02;

    /// <summary><c>id2label</c> ordered by id, for task heads; null for a bare encoder.</summary>
    public IReadOnlyList<string>? Labels { get; set; }

    /// <summary><c>problem_type</c> for sequence classification ("single_label_classification", "multi_label_classification").</summary>
    public string? ProblemType { get; set; }

    /// <summary>Keys Locus does not interpret, kept so that saving writes them back unchanged.</summary>
    public JsonObject Extra { get; set; } = [];

    /// <summary>Size of one attention head.</summary>
    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>Reads the shared keys; validates what Locus cannot support.</summary>
    protected void ReadCommon(ConfigJson json)
    {
        // The shape keys are required: with BERT-base's defaults assumed (hidden 768, ...) a config that lacks them
        // would only fail later, against the weights, with a shape error that names neither file nor key.
        VocabSize = json.Int("vocab_size");
        HiddenSize = json.Int("hidden_size");
        NumHiddenLayers = json.Int("num_hidden_layers");
        NumAttentionHeads = json.Int("num_attention_heads");
        IntermediateSize = json.Int("intermediate_size", IntermediateSize);
        HiddenAct = json.Choice("hidden_act", HiddenAct, [.. Encoders.EncoderActivations.Names]);
        HiddenDropoutProb = json.Double("hidden_dropout_prob", HiddenDropoutProb);
        AttentionProbsDropoutProb = json.Double("attention_probs_dropout_prob", AttentionProbsDropoutProb);
        MaxPositionEmbeddings = json.Int("max_position_embeddings", MaxPositionEmbeddings);
        TypeVocabSize = json.Int("type_vocab_size", TypeVocabSize);
        LayerNormEps = json.Double("layer_norm_eps", LayerNormEps);
        PadTokenId = json.Int("pad_token_id", PadTokenId);
        InitializerRange = json.Double("initializer_range", InitializerRange);
        Labels = json.Labels();
        ProblemType = json.String("problem_type");
        if (HiddenSize % NumAttentionHeads != 0)
            throw json.Error("num_attention_heads", $"hidden_size {HiddenSize} is not a multiple of num_attention_heads {NumAttentionHeads}");
        Extra = (JsonObject)json.Root.DeepClone();
    }

    /// <summary>Writes the configuration as Hugging Face's config.json would hold it.</summary>
    public virtual JsonObject ToJson()
    {
        var json = (JsonObject)Extra.DeepClone();
        json["model_type"] = ModelType;
        json["vocab_size"] = VocabSize;
        json["hidden_size"] = HiddenSize;
        json["num_hidden_layers"] = NumHiddenLayers;
        json["num_attention_heads"] = NumAttentionHeads;
        json["intermediate_size"] = IntermediateSize;
        json["hidden_act"] = HiddenAct;
        json["hidden_dropout_prob"] = HiddenDropoutProb;
        json["attention_probs_dropout_prob"] = AttentionProbsDropoutProb;
        json["max_position_embeddings"] = MaxPositionEmbeddings;
        json["type_vocab_size"] = TypeVocabSize;
        json["layer_norm_eps"] = LayerNormEps;
        json["pad_token_id"] = PadTokenId;
        json["initializer_range"] = InitializerRange;
        if (Labels is not null)
        {
            var id2label = new JsonObject();
            var label2id = new JsonObject();
            for (var i = 0; i < Labels.Count; i++)
            {
                id2label[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Labels[i];
                label2id[Labels[i]] = i;
            }
            json["id2label"] = id2label;
            json["label2id"] = label2id;
        }
        if (ProblemType is not null) json["problem_type"] = ProblemType;
        return json;
    }
}
