using System.Text.Json.Serialization;

namespace Locus.Atlas.Model;

/// <summary>Hyper-parameters of the LOCUS encoder and predictor (names follow the paper; JSON keys in snake_case).</summary>
public sealed class LocusConfig
{
    /// <summary>Length of a query encoding (set from the query encoder).</summary>
    [JsonPropertyName("query_dim")] public int QueryDim { get; set; } = 64;

    /// <summary>Width of evaluation tokens and latents.</summary>
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; set; } = 128;

    /// <summary>Number of learned latents r per bottleneck block (paper: 64).</summary>
    [JsonPropertyName("num_latents")] public int NumLatents { get; set; } = 64;

    /// <summary>Number of latent-bottleneck blocks (paper: 2).</summary>
    [JsonPropertyName("num_blocks")] public int NumBlocks { get; set; } = 2;

    /// <summary>Attention heads; must divide <see cref="HiddenSize"/>.</summary>
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; set; } = 4;

    /// <summary>Width of the feed-forward layers as a multiple of <see cref="HiddenSize"/>.</summary>
    [JsonPropertyName("intermediate_multiplier")] public int IntermediateMultiplier { get; set; } = 2;

    /// <summary>Dimension d of the model embedding z (paper: 128): the prior's ability θ, then the set encoder's output.</summary>
    [JsonPropertyName("embedding_dim")] public int EmbeddingDim { get; set; } = 128;

    /// <summary>
    /// Length F of the item-response prior's ability vector, the first F values of the embedding (0 = no prior: the set
    /// encoder alone, as in the paper).
    /// </summary>
    [JsonPropertyName("factor_dim")] public int FactorDim { get; set; } = 16;

    /// <summary>Values of the embedding that the set encoder produces: <see cref="EmbeddingDim"/> − <see cref="FactorDim"/>.</summary>
    [JsonIgnore] public int SetEmbeddingDim => EmbeddingDim - FactorDim;

    /// <summary>Hidden width of the 2-layer correctness predictor.</summary>
    [JsonPropertyName("predictor_hidden_size")] public int PredictorHiddenSize { get; set; } = 256;

    /// <summary>Dropout on tokens, feed-forward outputs and the predictor's hidden layer during training (0 = off).</summary>
    [JsonPropertyName("dropout")] public double Dropout { get; set; }

    /// <summary>A copy with <see cref="QueryDim"/> replaced.</summary>
    public LocusConfig WithQueryDim(int queryDim)
    {
        var copy = (LocusConfig)MemberwiseClone();
        copy.QueryDim = queryDim;
        return copy;
    }

    /// <summary>A copy with <see cref="FactorDim"/> replaced.</summary>
    public LocusConfig WithFactorDim(int factorDim)
    {
        var copy = (LocusConfig)MemberwiseClone();
        copy.FactorDim = factorDim;
        return copy;
    }

    /// <summary>Throws a <see cref="LocusException"/> when the configuration is inconsistent.</summary>
    public void Validate()
    {
        if (QueryDim < 1 || HiddenSize < 1 || NumLatents < 1 || NumBlocks < 1 || EmbeddingDim < 1 || PredictorHiddenSize < 1 || IntermediateMultiplier < 1)
            throw new LocusException("every LOCUS dimension must be at least 1");
        if (NumAttentionHeads < 1 || HiddenSize % NumAttentionHeads != 0)
            throw new LocusException($"num_attention_heads ({NumAttentionHeads}) must divide hidden_size ({HiddenSize})");
        if (FactorDim < 0 || FactorDim >= EmbeddingDim)
            throw new LocusException($"factor_dim ({FactorDim}) must be in [0, embedding_dim ({EmbeddingDim})): the set encoder needs at least one embedding value");
        if (Dropout is < 0 or >= 1) throw new LocusException($"dropout ({Dropout}) must be in [0, 1)");
    }
}
