namespace Locus.Retrieval.Embeddings;

/// <summary>Settings of the <see cref="TransformerSentenceEncoder"/>.</summary>
public sealed class TransformerEncoderOptions
{
    /// <summary>Hugging Face model folder (config.json, safetensors, tokenizer files), e.g. the output of <c>locus pretrain</c>.</summary>
    public required string ModelPath { get; init; }

    /// <summary>Token vectors to sentence vector. Default <see cref="SentencePooling.Mean"/>.</summary>
    public SentencePooling Pooling { get; init; } = SentencePooling.Mean;

    /// <summary>Text put before every query (E5: "query: "; BGE: "Represent this sentence for searching relevant passages: "). Default none.</summary>
    public string QueryPrefix { get; init; } = "";

    /// <summary>Text put before every indexed passage (E5: "passage: "). Default none.</summary>
    public string PassagePrefix { get; init; } = "";

    /// <summary>
    /// Run the model in bfloat16 (about 2× faster on CPUs with AVX512-BF16 or AMX; pooling and normalisation stay
    /// float32). Default false.
    /// </summary>
    public bool BFloat16 { get; init; }

    /// <summary>
    /// Tokens per window, special tokens included; null takes the model's limit (max_position_embeddings, the
    /// tokenizer's model_max_length, at most 512). Longer texts are never cut: see <see cref="TransformerSentenceEncoder"/>.
    /// </summary>
    public int? MaxLength { get; init; }

    /// <summary>Windows per forward pass. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Torch intra-op threads (process-wide); null leaves torch's setting (all cores).</summary>
    public int? Threads { get; init; }
}
