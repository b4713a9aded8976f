using Locus.Models.Configuration;

namespace Locus.Models.Encoders;

/// <summary>
/// A module whose parameter names are a Hugging Face state dict: what <see cref="HuggingFaceLayout"/> needs to
/// load it from, and save it to, a model folder (config.json + model.safetensors).
/// </summary>
public interface IHuggingFaceModel
{
    /// <summary>The configuration the model was built from.</summary>
    EncoderConfig Config { get; }

    /// <summary>The prefix of the base encoder inside task models ("bert.", "deberta.").</summary>
    string BasePrefix { get; }

    /// <summary>The Hugging Face class name written to config.json's <c>architectures</c>.</summary>
    string Architecture { get; }

    /// <summary>Whether a missing checkpoint tensor for <paramref name="key"/> keeps its fresh initialisation instead of failing.</summary>
    bool MayInitialiseMissing(string key);
}
