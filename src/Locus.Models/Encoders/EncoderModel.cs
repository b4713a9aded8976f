using Locus.Models.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Locus.Models.Encoders;

/// <summary>Inputs of an encoder forward pass. Shapes: [batch, seq] of int64.</summary>
/// <param name="InputIds">Token ids.</param>
/// <param name="AttentionMask">1 for real tokens, 0 for padding.</param>
/// <param name="TokenTypeIds">Segment ids, or null for all zeros.</param>
/// <param name="OutputHiddenStates">Also return the embedding output and every layer's output.</param>
/// <param name="OutputAttentions">Also return every layer's attention probabilities.</param>
public sealed record EncoderInput(
    Tensor InputIds,
    Tensor AttentionMask,
    Tensor? TokenTypeIds = null,
    bool OutputHiddenStates = false,
    bool OutputAttentions = false);

/// <summary>Outputs of an encoder forward pass, named as in Hugging Face's BaseModelOutput.</summary>
/// <param name="LastHiddenState">[batch, seq, hidden].</param>
/// <param name="HiddenStates">Embedding output then each layer's output, when asked for.</param>
/// <param name="Attentions">Each layer's attention probabilities [batch, heads, seq, seq], when asked for.</param>
public sealed record EncoderOutput(
    Tensor LastHiddenState,
    IReadOnlyList<Tensor>? HiddenStates = null,
    IReadOnlyList<Tensor>? Attentions = null);

/// <summary>
/// A transformer encoder (BERT family, DeBERTa-v2/v3) whose parameter names follow the Hugging Face state dict,
/// so checkpoints load by name and models saved here load in Python transformers.
/// </summary>
public abstract class EncoderModel : nn.Module<EncoderInput, EncoderOutput>
{
    /// <summary>Creates the module with its TorchSharp name.</summary>
    protected EncoderModel(string name) : base(name) { }

    /// <summary>The configuration the model was built from.</summary>
    public abstract EncoderConfig Config { get; }

    /// <summary>
    /// The prefix under which Hugging Face task models store this encoder ("bert.", "deberta."), used to load
    /// a head checkpoint into a bare encoder and the other way round.
    /// </summary>
    public abstract string BasePrefix { get; }
}
