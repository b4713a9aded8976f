using Locus.Models.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Locus.Models.Encoders;

/// <summary>
/// Random initialisation as Hugging Face's <c>_init_weights</c> does it for BERT-family and DeBERTa models:
/// Linear and Embedding weights N(0, initializer_range), biases zero, LayerNorm weight 1 and bias 0, the padding
/// row of the word embeddings zero. Used for models built from a configuration (pre-training from scratch, new
/// task heads).
/// </summary>
public static class EncoderWeightInit
{
    /// <summary>HF's attribute name of the token embedding table, the one built with <c>padding_idx</c>.</summary>
    const string WordEmbeddings = "word_embeddings";

    /// <summary>A CPU generator seeded with <paramref name="seed"/>, or null (torch's global generator) when no seed is given.</summary>
    public static Generator? CreateGenerator(long? seed) => seed is { } s ? new Generator(unchecked((ulong)s), CPU) : null;

    /// <summary>
    /// Initialises <paramref name="root"/> as HF's <c>PreTrainedModel.init_weights</c> does: <see cref="Apply"/> with
    /// <c>initializer_range</c>, then the <c>pad_token_id</c> row of every <c>word_embeddings</c> zeroed. The same
    /// <paramref name="seed"/> gives the same weights; null draws from torch's global generator.
    /// </summary>
    public static void Initialise(nn.Module root, EncoderConfig config, long? seed)
    {
        using var generator = CreateGenerator(seed);
        Apply(root, config.InitializerRange, generator);
        foreach (var (name, module) in root.named_modules())
        {
            // TorchSharp's Embedding does not expose padding_idx; the word embeddings are the table built with it.
            if (module is Embedding embedding && (name == WordEmbeddings || name.EndsWith("." + WordEmbeddings, StringComparison.Ordinal)))
                ZeroPaddingRow(embedding, config.PadTokenId);
        }
    }

    /// <summary>
    /// Initialises every Linear, Embedding and LayerNorm inside <paramref name="root"/> as HF does. A Conv1d (which
    /// HF leaves at PyTorch's default) is redrawn from PyTorch's default U(±1/sqrt(fan_in)) so that a seed fixes it too.
    /// </summary>
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
                case Conv1d conv:
                    var bound = 1.0 / Math.Sqrt(conv.weight!.size(1) * conv.weight.size(2));   // fan_in = in_channels / groups · kernel
                    conv.weight.uniform_(-bound, bound, generator);
                    conv.bias?.uniform_(-bound, bound, generator);
                    break;
            }
        }
    }

    static void ZeroPaddingRow(Embedding embedding, long paddingIndex)
    {
        using var noGrad = no_grad();
        embedding.weight![paddingIndex].zero_();
    }
}
