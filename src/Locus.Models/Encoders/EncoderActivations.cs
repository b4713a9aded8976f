using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Locus.Models.Encoders;

/// <summary>The activation functions named by config.json's <c>hidden_act</c>, as Hugging Face's ACT2FN defines them.</summary>
public static class EncoderActivations
{
    /// <summary>The function for <paramref name="hiddenAct"/>; EncoderConfig has already rejected unknown names.</summary>
    public static Func<Tensor, Tensor> Get(string hiddenAct) => hiddenAct switch
    {
        "gelu" => x => functional.gelu(x),
        // gelu_new is HF's hand-written tanh formula; libtorch's tanh approximation is the same function.
        "gelu_new" or "gelu_pytorch_tanh" => x => functional.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh),
        "relu" => x => functional.relu(x),
        "silu" or "swish" => x => functional.silu(x),
        _ => throw new LocusException($"hidden_act '{hiddenAct}' is not supported (supported: gelu, gelu_new, gelu_pytorch_tanh, relu, silu, swish)"),
    };
}
