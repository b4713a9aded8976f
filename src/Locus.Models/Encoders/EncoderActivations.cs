using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Locus.Models.Encoders;

/// <summary>
/// The activation functions that config.json may name (<c>hidden_act</c>, DeBERTa's <c>pooler_hidden_act</c> and
/// <c>conv_act</c>), as Hugging Face's ACT2FN defines them.
/// </summary>
public static class EncoderActivations
{
    /// <summary>The supported names, for configuration checks and error messages.</summary>
    public static IReadOnlyList<string> Names { get; } = ["gelu", "gelu_new", "gelu_pytorch_tanh", "relu", "silu", "swish", "tanh"];

    /// <summary>The function for <paramref name="name"/>; an error listing <see cref="Names"/> otherwise.</summary>
    public static Func<Tensor, Tensor> Get(string name) => name switch
    {
        "gelu" => x => functional.gelu(x),
        // gelu_new is HF's hand-written tanh formula; libtorch's tanh approximation is the same function.
        "gelu_new" or "gelu_pytorch_tanh" => x => functional.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh),
        "relu" => x => functional.relu(x),
        "silu" or "swish" => x => functional.silu(x),
        "tanh" => x => x.tanh(),
        _ => throw new LocusException($"activation '{name}' is not supported (supported: {string.Join(", ", Names)})"),
    };
}
