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
/// <param name="PoolerOutput">[batch, hidden]: the pooled first token, for encoders that have a pooler (BERT).</param>
public sealed record EncoderOutput(
    Tensor LastHiddenState,
    IReadOnlyList<Tensor>? HiddenStates = null,
    IReadOnlyList<Tensor>? Attentions = null,
    Tensor? PoolerOutput = null)
{
    /// <summary>
    /// Moves every tensor of the output one dispose scope out (each tensor once, although the last hidden
    /// state is also the last entry of <see cref="HiddenStates"/>), as a module's forward does with its result.
    /// </summary>
    /// <param name="callerOwned">
    /// A tensor of the output that the forward received rather than made (a layer stack's input, which is the
    /// first of <see cref="HiddenStates"/>): it already lives in the caller's scope and stays there.
    /// </param>
    public EncoderOutput MoveToOuterDisposeScope(Tensor? callerOwned = null)
    {
        var moved = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        if (callerOwned is not null) moved.Add(callerOwned);
        foreach (var tensor in new[] { LastHiddenState, PoolerOutput }.Concat(HiddenStates ?? []).Concat(Attentions ?? []))
        {
            if (tensor is not null && moved.Add(tensor)) tensor.MoveToOuterDisposeScope();
        }
        return this;
    }
}

/// <summary>
/// A transformer encoder (BERT family, DeBERTa-v2/v3) whose parameter names follow the Hugging Face state dict,
/// so checkpoints load by name and models saved here load in Python transformers.
/// </summary>
public abstract class EncoderModel : nn.Module<EncoderInput, EncoderOutput>, IHuggingFaceModel
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

    /// <summary>The class name written to config.json's <c>architectures</c>; Hugging Face's name by default.</summary>
    public virtual string Architecture => GetType().Name;

    /// <summary>
    /// Whether a parameter may be absent from a checkpoint and keep its fresh initialisation (a pooler that a
    /// task checkpoint did not save), as Hugging Face allows; every other missing weight is an error.
    /// </summary>
    public virtual bool MayInitialiseMissing(string key) => false;

    /// <summary>Saves config.json and model.safetensors in Hugging Face's layout (see <see cref="HuggingFaceLayout.Save"/>).</summary>
    public void SavePretrained(string folder) => HuggingFaceLayout.Save(this, folder);
}
