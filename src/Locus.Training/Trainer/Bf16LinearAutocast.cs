using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Locus.Training.Trainer;

/// <summary>
/// bfloat16 compute for the frozen linear layers of a model while it trains, for CPUs with native bf16 matmuls
/// (AVX512-BF16, AMX). TorchSharp 0.107 has no <c>torch.autocast</c>, so this does by hand what autocast does for
/// <c>linear</c>, restricted to frozen layers: each frozen linear layer gets a bfloat16 copy of its weight, casts its
/// input to bfloat16 and its output back to float32. Everything else (embeddings, LayerNorm, softmax, residuals, the
/// loss) and every trainable weight (LoRA matrices, head, unfrozen layers) stays float32, so updates are exact
/// float32 updates; only the frozen layers' forward and input-gradient matmuls run in bfloat16. It therefore speeds
/// up LoRA (a frozen base) and does nothing for full fine-tuning. Disposing restores the original float32 weights,
/// bit for bit, as new <see cref="Parameter"/> objects: TorchSharp's <c>Linear.weight</c> setter disposes the
/// parameter it replaces, so callers must look frozen parameters up again after a phase rather than keep them.
/// </summary>
public sealed class Bf16LinearAutocast : IDisposable
{
    readonly List<(Linear Linear, Tensor Weight, Tensor? Bias)> swapped = [];
    readonly List<Action> hookRemovers = [];

    /// <summary>Switches every frozen float32 linear layer of <paramref name="model"/> to bfloat16 compute.</summary>
    public Bf16LinearAutocast(nn.Module model)
    {
        foreach (var (_, module) in model.named_modules())
        {
            if (module is not Linear linear || linear.weight is not { } weight || weight.dtype != ScalarType.Float32) continue;
            var bias = linear.bias;
            if (weight.requires_grad || bias is { requires_grad: true }) continue;
            // Aliases (no copy) keep the float32 storage alive when the setters dispose the original parameters.
            swapped.Add((linear, weight.detach(), bias?.detach()));
            using (no_grad())
            {
                linear.weight = new Parameter(weight.to_type(ScalarType.BFloat16), requires_grad: false);
                if (bias is not null) linear.bias = new Parameter(bias.to_type(ScalarType.BFloat16), requires_grad: false);
            }
            hookRemovers.Add(linear.register_forward_pre_hook((_, input) => input.to_type(ScalarType.BFloat16)).remove);
            hookRemovers.Add(linear.register_forward_hook((_, _, output) => output.to_type(ScalarType.Float32)).remove);
        }
    }

    /// <summary>How many linear layers compute in bfloat16.</summary>
    public int Layers => swapped.Count;

    /// <summary>Removes the casts and puts the original float32 weights back.</summary>
    public void Dispose()
    {
        foreach (var remove in hookRemovers) remove();
        hookRemovers.Clear();
        foreach (var (linear, weight, bias) in swapped)
        {
            linear.weight = new Parameter(weight, requires_grad: false);
            if (bias is not null) linear.bias = new Parameter(bias, requires_grad: false);
            weight.Dispose();
            bias?.Dispose();
        }
        swapped.Clear();
    }
}
