using System.Text.Json.Nodes;
using Locus.Models.Configuration;
using static TorchSharp.torch;

namespace Locus.Models.Encoders;

/// <summary>How a sequence classifier turns the encoder's token vectors into the vector its output layer reads.</summary>
public enum SequencePooling
{
    /// <summary>The architecture's own head as Hugging Face builds it: BERT's pooler (dense + tanh on [CLS]), DeBERTa's ContextPooler.</summary>
    Pooler,

    /// <summary>
    /// The L2-normalised mean of the real tokens' vectors: the sentence embedding that sentence encoders
    /// (all-MiniLM-L6-v2, E5, BGE) are trained to produce, so a head on it starts from what the encoder knows.
    /// Saved as <c>"locus_sequence_pooling": "mean"</c> in config.json (a key Hugging Face ignores).
    /// </summary>
    Mean,
}

/// <summary>Reading, writing and computing <see cref="SequencePooling"/>.</summary>
public static class SequencePoolings
{
    /// <summary>The config.json key.</summary>
    public const string ConfigKey = "locus_sequence_pooling";

    /// <summary>The pooling a configuration asks for (Pooler when the key is absent).</summary>
    public static SequencePooling Of(EncoderConfig config) =>
        config.Extra[ConfigKey]?.GetValue<string>() switch
        {
            null or "pooler" => SequencePooling.Pooler,
            "mean" => SequencePooling.Mean,
            var other => throw new LocusException($"config.json: {ConfigKey} must be \"pooler\" or \"mean\", got \"{other}\""),
        };

    /// <summary>Records <paramref name="pooling"/> in the configuration (and so in the config.json it is saved to).</summary>
    public static void Set(EncoderConfig config, SequencePooling pooling)
    {
        if (pooling == SequencePooling.Pooler) config.Extra.Remove(ConfigKey);
        else config.Extra[ConfigKey] = JsonValue.Create("mean");
    }

    /// <summary>Masked mean of <paramref name="hidden"/> [B, L, H] over the real tokens of <paramref name="attentionMask"/> [B, L], L2-normalised: [B, H].</summary>
    public static Tensor MeanNormalised(Tensor hidden, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var mask = attentionMask.unsqueeze(-1).to(hidden.dtype);                                 // [B, L, 1]
        var mean = (hidden * mask).sum(1) / mask.sum(1).clamp_min(1);                            // [B, H]
        return nn.functional.normalize(mean, p: 2, dim: -1).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// A classifier whose head is one linear layer over feature vectors: the features can be computed without the head
/// (to fit the head before fine-tuning) and the output layer set directly.
/// </summary>
public interface ILinearHeadClassifier
{
    /// <summary>What the output layer reads (before dropout): [B, H] for a sequence, [B, L, H] for every token.</summary>
    Tensor Features(EncoderInput input);

    /// <summary>The output layer: features → logits.</summary>
    TorchSharp.Modules.Linear OutputLayer { get; }
}
