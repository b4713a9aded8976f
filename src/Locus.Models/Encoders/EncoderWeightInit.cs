using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Locus.Models.Encoders;

/// <summary>
/// Random initialisation as Hugging Face's <c>_init_weights</c> does it for BERT-family and DeBERTa models:
/// Linear and Embedding weights N(0, initializer_range), biases zero, LayerNorm weight 1 and bias 0.
/// Used for models built from a configuration (pre-training from scratch, new task heads).
/// </summary>
public static class EncoderWeightInit
{
    /// <summary>A CPU generator seeded with <paramref name="seed"/>, or null (torch's global generator) when no seed is given.</summary>
    public static Generator? CreateGenerator(long? seed) => seed is { } s ? new Generator(unchecked((ulong)s), CPU) : null;

    /// <summary>Initialises every Linear, Embedding and LayerNorm inside <paramref name="root"/>.</summary>
    /// <remarks>Tensor.normal_ is used because TorchSharp's nn.init.normal_ ignores its generator argument.</remarks>
    public static void Apply(nn.Module root, double initializerRange, Generator? generator)
    {
        using var noGrad = no_grad();
        foreach (var (_, module) in root.named_modules())
        {
            switch (module)
            {
                case Linear linear:
                    linear.weight.normal_(0, initializerRange, generator);
                    if (linear.bias is not null) nn.init.zeros_(linear.bias);
                    break;
                case Embedding embedding:
                    embedding.weight!.normal_(0, initializerRange, generator);
                    break;
                case LayerNorm norm:
                    if (norm.weight is not null) nn.init.ones_(norm.weight);
                    if (norm.bias is not null) nn.init.zeros_(norm.bias);
                    break;
            }
        }
    }

    /// <summary>Zeroes the padding row of an embedding, as HF does for <c>padding_idx</c>.</summary>
    public static void ZeroPaddingRow(Embedding embedding, long paddingIndex)
    {
        using var noGrad = no_grad();
        embedding.weight![paddingIndex].zero_();
    }
}
