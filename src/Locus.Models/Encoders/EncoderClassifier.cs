using Locus.Models.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Locus.Models.Encoders;

/// <summary>Outputs of a classification head, named as in Hugging Face's TokenClassifierOutput / SequenceClassifierOutput.</summary>
/// <param name="Logits">[batch, seq, labels] for token classification, [batch, labels] for sequence classification.</param>
/// <param name="EncoderOutput">The base encoder's output (hidden states and attentions when asked for).</param>
public sealed record ClassifierOutput(Tensor Logits, EncoderOutput EncoderOutput);

/// <summary>The two kinds of classification head Locus trains.</summary>
public enum ClassificationTask
{
    /// <summary>One label per token (NER): <c>*ForTokenClassification</c>.</summary>
    TokenClassification,

    /// <summary>One label per text: <c>*ForSequenceClassification</c>.</summary>
    SequenceClassification,
}

/// <summary>
/// An encoder with a classification head on top. The encoder is registered under its
/// <see cref="EncoderModel.BasePrefix"/> (without the dot) and the head's parameters are everything else, so a
/// base checkpoint loads into a fresh head and the other way round.
/// </summary>
public abstract class EncoderClassifier : nn.Module<EncoderInput, ClassifierOutput>, IHuggingFaceModel
{
    /// <summary>Creates the module with its TorchSharp name.</summary>
    protected EncoderClassifier(string name) : base(name) { }

    /// <summary>The base encoder.</summary>
    public abstract EncoderModel Encoder { get; }

    /// <summary>What the head predicts.</summary>
    public abstract ClassificationTask Task { get; }

    /// <summary>The number of output labels (<c>num_labels</c>, the size of <c>id2label</c>).</summary>
    public int NumLabels => Config.Labels?.Count ?? throw new InvalidOperationException("the configuration of a classifier has labels");

    /// <inheritdoc />
    public EncoderConfig Config => Encoder.Config;

    /// <inheritdoc />
    public string BasePrefix => Encoder.BasePrefix;

    /// <inheritdoc />
    public virtual string Architecture => GetType().Name;

    /// <summary>
    /// The head (every key outside the base encoder) may be missing from a base checkpoint: Hugging Face then
    /// initialises it freshly, and so does Locus, with a warning.
    /// </summary>
    public virtual bool MayInitialiseMissing(string key) =>
        !key.StartsWith(BasePrefix, StringComparison.Ordinal) || Encoder.MayInitialiseMissing(key[BasePrefix.Length..]);

    /// <summary>Saves config.json and model.safetensors in Hugging Face's layout (see <see cref="HuggingFaceLayout.Save"/>).</summary>
    public void SavePretrained(string folder) => HuggingFaceLayout.Save(this, folder);

    /// <summary>The labels HF gives a head whose config has no <c>id2label</c>: LABEL_0 and LABEL_1.</summary>
    protected static IReadOnlyList<string> DefaultLabels(int count = 2) =>
        Enumerable.Range(0, count).Select(i => $"LABEL_{i}").ToList();
}
