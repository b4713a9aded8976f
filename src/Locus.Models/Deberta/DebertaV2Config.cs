using System.Text.Json.Nodes;
using Locus.Models.Configuration;
using Locus.Models.Encoders;

namespace Locus.Models.Deberta;

/// <summary>
/// The configuration of DeBERTa-v2, DeBERTa-v3 and mDeBERTa-v3 (Hugging Face <c>model_type</c> "deberta-v2"), with
/// the defaults of transformers' <c>DebertaV2Config</c>. Settings Locus cannot run raise an error naming the key.
/// </summary>
public sealed class DebertaV2Config : EncoderConfig
{
    string source = nameof(DebertaV2Config);

    /// <summary>Creates a configuration with Hugging Face's DebertaV2Config defaults (the deberta-v2-xlarge shape).</summary>
    public DebertaV2Config()
    {
        VocabSize = 128100;
        HiddenSize = 1536;
        NumHiddenLayers = 24;
        NumAttentionHeads = 24;
        IntermediateSize = 6144;
        TypeVocabSize = 0;
        LayerNormEps = 1e-7;
    }

    /// <inheritdoc />
    public override string ModelType => "deberta-v2";

    /// <summary><c>relative_attention</c>: add the disentangled relative-position terms to the attention scores.</summary>
    public bool RelativeAttention { get; set; }

    /// <summary><c>max_relative_positions</c>: the relative-distance range; -1 (or anything below 1) means <c>max_position_embeddings</c>.</summary>
    public int MaxRelativePositions { get; set; } = -1;

    /// <summary><c>position_buckets</c>: number of log buckets per direction (v3: 256); -1 means no bucketing.</summary>
    public int PositionBuckets { get; set; } = -1;

    /// <summary><c>norm_rel_ebd</c>: "none" or "layer_norm" (LayerNorm over the relative embeddings, as in v3).</summary>
    public string NormRelEbd { get; set; } = "none";

    /// <summary><c>share_att_key</c>: project relative embeddings with the content query/key projections.</summary>
    public bool ShareAttKey { get; set; }

    /// <summary><c>pos_att_type</c>: which relative terms to use, any of "c2p" and "p2c" (config.json may write "p2c|c2p").</summary>
    public IReadOnlyList<string> PosAttType { get; set; } = [];

    /// <summary><c>position_biased_input</c>: add absolute position embeddings to the input (false in v3).</summary>
    public bool PositionBiasedInput { get; set; } = true;

    /// <summary><c>pooler_hidden_size</c>; null means <c>hidden_size</c>.</summary>
    public int? PoolerHiddenSize { get; set; }

    /// <summary><c>pooler_dropout</c>: dropout before the ContextPooler's dense layer.</summary>
    public double PoolerDropout { get; set; }

    /// <summary><c>pooler_hidden_act</c>: the ContextPooler's activation.</summary>
    public string PoolerHiddenAct { get; set; } = "gelu";

    /// <summary><c>cls_dropout</c>: dropout before the sequence classifier; null means <c>hidden_dropout_prob</c>.</summary>
    public double? ClsDropout { get; set; }

    /// <summary><c>embedding_size</c>; null means <c>hidden_size</c>. When it differs, <c>embed_proj</c> maps it to the hidden size.</summary>
    public int? EmbeddingSize { get; set; }

    /// <summary><c>conv_kernel_size</c>: above 0, a ConvLayer runs after the first layer (deberta-v2-xlarge/xxlarge use 3).</summary>
    public int ConvKernelSize { get; set; }

    /// <summary><c>conv_groups</c>: groups of the ConvLayer's Conv1d.</summary>
    public int ConvGroups { get; set; } = 1;

    /// <summary><c>conv_act</c>: the ConvLayer's activation.</summary>
    public string ConvAct { get; set; } = "tanh";

    /// <summary>The relative-distance range after resolving -1 to <c>max_position_embeddings</c>.</summary>
    public int ResolvedMaxRelativePositions => MaxRelativePositions < 1 ? MaxPositionEmbeddings : MaxRelativePositions;

    /// <summary>
    /// Half the number of rows of <c>rel_embeddings</c> (HF's <c>pos_ebd_size</c>, the attention span): the
    /// bucket count when bucketing, otherwise the relative-distance range.
    /// </summary>
    public int AttentionSpan => PositionBuckets > 0 ? PositionBuckets : ResolvedMaxRelativePositions;

    /// <summary>The embedding width after resolving null to <c>hidden_size</c>.</summary>
    public int ResolvedEmbeddingSize => EmbeddingSize ?? HiddenSize;

    /// <summary>Reads and validates <c>config.json</c> from a model folder or a file.</summary>
    public static DebertaV2Config Load(string folderOrFile) => FromJson(ConfigJson.Load(folderOrFile));

    /// <summary>Reads and validates a parsed config.json.</summary>
    public static DebertaV2Config FromJson(ConfigJson json)
    {
        var modelType = json.String("model_type");
        if (modelType is not null && modelType != "deberta-v2")
            throw json.Error("model_type", $"'{modelType}' is not a DeBERTa-v2/v3 model (expected 'deberta-v2')");

        var config = new DebertaV2Config { source = json.Source };
        config.ReadCommon(json);
        config.RelativeAttention = json.Bool("relative_attention", config.RelativeAttention);
        config.MaxRelativePositions = json.Int("max_relative_positions", config.MaxRelativePositions);
        config.PositionBuckets = json.Int("position_buckets", config.PositionBuckets);
        config.NormRelEbd = json.String("norm_rel_ebd", config.NormRelEbd) ?? config.NormRelEbd;
        config.ShareAttKey = json.Bool("share_att_key", config.ShareAttKey);
        // HF lower-cases the "p2c|c2p" string form; the list form is used as written.
        var posAttType = json.StringList("pos_att_type", config.PosAttType);
        config.PosAttType = json.Root["pos_att_type"]?.GetValueKind() == System.Text.Json.JsonValueKind.String
            ? posAttType.Select(t => t.ToLowerInvariant()).ToList()
            : posAttType;
        config.PositionBiasedInput = json.Bool("position_biased_input", config.PositionBiasedInput);
        config.PoolerHiddenSize = json.Has("pooler_hidden_size") ? json.Int("pooler_hidden_size") : null;
        config.PoolerDropout = json.Double("pooler_dropout", config.PoolerDropout);
        config.PoolerHiddenAct = json.String("pooler_hidden_act", config.PoolerHiddenAct) ?? config.PoolerHiddenAct;
        config.ClsDropout = json.Has("cls_dropout") ? json.Double("cls_dropout", 0) : null;
        config.EmbeddingSize = json.Has("embedding_size") ? json.Int("embedding_size") : null;
        config.ConvKernelSize = json.Int("conv_kernel_size", config.ConvKernelSize);
        config.ConvGroups = json.Int("conv_groups", config.ConvGroups);
        config.ConvAct = json.String("conv_act", config.ConvAct) ?? config.ConvAct;
        if (json.Has("attention_head_size") && json.Int("attention_head_size") != config.HeadDim)
            throw json.Error("attention_head_size", $"a head size other than hidden_size / num_attention_heads ({config.HeadDim}) is not supported");
        foreach (var key in new[] { "pooler_hidden_size", "embedding_size", "cls_dropout", "attention_head_size" })
            config.Extra.Remove(key);
        config.Validate();
        return config;
    }

    /// <summary>
    /// Checks every setting the model depends on; an unsupported value raises a <see cref="DataFormatException"/>
    /// naming the config.json key. Models call this before building their modules.
    /// </summary>
    public void Validate()
    {
        if (VocabSize <= 0) throw Error("vocab_size", $"must be positive, got {VocabSize}");
        if (NumHiddenLayers <= 0) throw Error("num_hidden_layers", $"must be positive, got {NumHiddenLayers}");
        if (HiddenSize <= 0 || NumAttentionHeads <= 0 || HiddenSize % NumAttentionHeads != 0)
            throw Error("num_attention_heads", $"hidden_size {HiddenSize} must be a positive multiple of num_attention_heads {NumAttentionHeads}");
        if (TypeVocabSize < 0) throw Error("type_vocab_size", $"must be 0 (no token types) or positive, got {TypeVocabSize}");
        if (!EncoderActivations.Names.Contains(HiddenAct)) throw Unsupported("hidden_act", HiddenAct, EncoderActivations.Names);
        if (!EncoderActivations.Names.Contains(PoolerHiddenAct)) throw Unsupported("pooler_hidden_act", PoolerHiddenAct, EncoderActivations.Names);
        if (!EncoderActivations.Names.Contains(ConvAct)) throw Unsupported("conv_act", ConvAct, EncoderActivations.Names);
        foreach (var type in PosAttType)
            if (type is not ("c2p" or "p2c")) throw Unsupported("pos_att_type", type, ["c2p", "p2c"]);
        foreach (var norm in NormRelEbdParts)
            if (norm is not ("none" or "layer_norm")) throw Unsupported("norm_rel_ebd", norm, ["none", "layer_norm"]);
        if (PoolerHiddenSize is { } pooler && pooler != HiddenSize)
            throw Error("pooler_hidden_size", $"the ContextPooler reads the [CLS] hidden state, so it must equal hidden_size {HiddenSize}, got {pooler}");
        if (ResolvedEmbeddingSize <= 0) throw Error("embedding_size", $"must be positive, got {ResolvedEmbeddingSize}");
        if (ConvKernelSize < 0 || (ConvKernelSize > 0 && ConvKernelSize % 2 == 0))
            throw Error("conv_kernel_size", $"must be 0 (no ConvLayer) or odd (the padding keeps the length), got {ConvKernelSize}");
        if (ConvKernelSize > 0 && (ConvGroups <= 0 || HiddenSize % ConvGroups != 0))
            throw Error("conv_groups", $"must divide hidden_size {HiddenSize}, got {ConvGroups}");
    }

    /// <summary>The <c>norm_rel_ebd</c> entries ("layer_norm|none" style), lower-cased as HF reads them.</summary>
    public IReadOnlyList<string> NormRelEbdParts => NormRelEbd.ToLowerInvariant().Split('|').Select(p => p.Trim()).ToList();

    /// <inheritdoc />
    public override JsonObject ToJson()
    {
        var json = base.ToJson();
        json["relative_attention"] = RelativeAttention;
        json["max_relative_positions"] = MaxRelativePositions;
        json["position_buckets"] = PositionBuckets;
        json["norm_rel_ebd"] = NormRelEbd;
        json["share_att_key"] = ShareAttKey;
        json["pos_att_type"] = new JsonArray(PosAttType.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray());
        json["position_biased_input"] = PositionBiasedInput;
        json["pooler_hidden_size"] = PoolerHiddenSize ?? HiddenSize;
        json["pooler_dropout"] = PoolerDropout;
        json["pooler_hidden_act"] = PoolerHiddenAct;
        if (ClsDropout is { } cls) json["cls_dropout"] = cls;
        if (EmbeddingSize is { } embedding) json["embedding_size"] = embedding;
        if (ConvKernelSize > 0)
        {
            json["conv_kernel_size"] = ConvKernelSize;
            json["conv_groups"] = ConvGroups;
            json["conv_act"] = ConvAct;
        }
        return json;
    }

    /// <summary>microsoft/deberta-v3-xsmall: hidden 384, 12 layers, 6 heads, intermediate 1536.</summary>
    public static DebertaV2Config DebertaV3XSmall() => V3(hidden: 384, layers: 12, heads: 6, intermediate: 1536);

    /// <summary>microsoft/deberta-v3-small: hidden 768, 6 layers, 12 heads, intermediate 3072.</summary>
    public static DebertaV2Config DebertaV3Small() => V3(hidden: 768, layers: 6, heads: 12, intermediate: 3072);

    /// <summary>microsoft/deberta-v3-base: hidden 768, 12 layers, 12 heads, intermediate 3072.</summary>
    public static DebertaV2Config DebertaV3Base() => V3(hidden: 768, layers: 12, heads: 12, intermediate: 3072);

    /// <summary>The published DeBERTa-v3 settings (vocab 128100, 512 positions, 256 log buckets, shared keys, c2p and p2c).</summary>
    static DebertaV2Config V3(int hidden, int layers, int heads, int intermediate) => new()
    {
        VocabSize = 128100,
        HiddenSize = hidden,
        NumHiddenLayers = layers,
        NumAttentionHeads = heads,
        IntermediateSize = intermediate,
        HiddenAct = "gelu",
        HiddenDropoutProb = 0.1,
        AttentionProbsDropoutProb = 0.1,
        MaxPositionEmbeddings = 512,
        TypeVocabSize = 0,
        LayerNormEps = 1e-7,
        InitializerRange = 0.02,
        RelativeAttention = true,
        MaxRelativePositions = -1,
        PositionBuckets = 256,
        NormRelEbd = "layer_norm",
        ShareAttKey = true,
        PosAttType = ["p2c", "c2p"],
        PositionBiasedInput = false,
        PoolerHiddenSize = hidden,
        PoolerDropout = 0,
        PoolerHiddenAct = "gelu",
    };

    DataFormatException Error(string key, string problem) => new(source, 0, key, problem);

    DataFormatException Unsupported(string key, string value, IEnumerable<string> supported) =>
        Error(key, $"value '{value}' is not supported (supported: {string.Join(", ", supported)})");
}
