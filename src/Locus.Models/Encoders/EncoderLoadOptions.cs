using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

namespace Locus.Models.Encoders;

/// <summary>How a model is built from a Hugging Face folder.</summary>
public sealed class EncoderLoadOptions
{
    /// <summary>Parameter dtype after loading (e.g. <see cref="ScalarType.BFloat16"/>); null keeps float32.</summary>
    public ScalarType? Dtype { get; init; }

    /// <summary>
    /// Labels for a classification head, replacing config.json's <c>id2label</c>: used when a base checkpoint is
    /// loaded into a new head. Null keeps the checkpoint's labels (or LABEL_0, LABEL_1 when it has none).
    /// </summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>
    /// The pooling of a new sequence-classification head, recorded in its config; null keeps the checkpoint's
    /// (Hugging Face's pooler when it names none).
    /// </summary>
    public SequencePooling? SequencePooling { get; init; }

    /// <summary>Seed for the weights that the checkpoint does not provide (a new head); null uses torch's global generator.</summary>
    public long? Seed { get; init; }

    /// <summary>Receives warnings: freshly initialised weights, unused checkpoint tensors.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;
}
