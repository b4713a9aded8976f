using Locus.Data;
using Locus.Models.Encoders;
using Locus.Models.Tokenization;
using Locus.Training.Inference;
using Locus.Training.Lora;
using Locus.Training.Tasks;
using Microsoft.Extensions.Logging;

namespace Locus.Training.FineTuning;

/// <summary>
/// A fine-tuned model ready for prediction: the classifier (with its LoRA adapter when it has one), the tokenizer
/// and the manifest. Loads what <see cref="FineTuner"/> writes.
/// </summary>
public sealed class TrainedModel : IDisposable
{
    TrainedModel(EncoderClassifier classifier, LoraModel? lora, ITextTokenizer tokenizer, TrainedModelManifest manifest)
    {
        Classifier = classifier;
        Lora = lora;
        Tokenizer = tokenizer;
        Manifest = manifest;
    }

    /// <summary>
    /// Switches dropout off everywhere, so predictions are deterministic. LoRA layers sit outside the classifier's
    /// module tree, so the classifier's own eval() does not reach their dropout.
    /// </summary>
    internal void EnterInference()
    {
        Lora?.Train(false);
        Classifier.eval();
    }

    /// <summary>The classifier.</summary>
    public EncoderClassifier Classifier { get; }

    /// <summary>The adapter wrapper, for LoRA models.</summary>
    public LoraModel? Lora { get; }

    /// <summary>The tokenizer.</summary>
    public ITextTokenizer Tokenizer { get; }

    /// <summary>Task, labels and settings.</summary>
    public TrainedModelManifest Manifest { get; }

    /// <summary>Wraps a model in memory (used by <see cref="FineTuner"/> right after training).</summary>
    internal static TrainedModel From(EncoderClassifier classifier, LoraModel? lora, ITextTokenizer tokenizer, TrainedModelManifest manifest) =>
        new(classifier, lora, tokenizer, manifest);

    /// <summary>
    /// Loads a model folder written by <c>locus train</c>. An adapter is applied to its base model, found at the
    /// path recorded in the manifest unless <paramref name="baseModel"/> says where it is now.
    /// </summary>
    public static TrainedModel Load(string folder, string? baseModel = null, ILogger? logger = null)
    {
        var manifest = TrainedModelManifest.Load(folder);
        var tokenizer = TokenizerFactory.FromFolder(folder);
        if (manifest.Mode == FineTuneMode.Full)
            return ForInference(new TrainedModel(EncoderModels.LoadClassifier(folder, TaskOf(manifest), LoadOptions(manifest, logger)), null, tokenizer, manifest));

        var classifier = EncoderModels.LoadClassifier(BaseFolder(folder, manifest, baseModel, logger), TaskOf(manifest), LoadOptions(manifest, logger));
        var lora = new LoraModel(classifier);
        PeftAdapterFiles.Load(lora, folder, "default");
        return ForInference(new TrainedModel(classifier, lora, tokenizer, manifest));
    }

    /// <summary>The head a manifest's task needs.</summary>
    internal static ClassificationTask TaskOf(TrainedModelManifest manifest) =>
        manifest.Task == DataTask.Ner.ToName() ? ClassificationTask.TokenClassification : ClassificationTask.SequenceClassification;

    /// <summary>How the classifier of a model is built: its labels and, for text classification, its pooling.</summary>
    internal static EncoderLoadOptions LoadOptions(TrainedModelManifest manifest, ILogger? logger) => new()
    {
        Labels = manifest.Labels, Logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
        SequencePooling = TaskOf(manifest) == ClassificationTask.SequenceClassification ? manifest.Pooling ?? SequencePooling.Pooler : null,
    };

    /// <summary>
    /// The folder of an adapter's base model: <paramref name="baseModel"/> when given, else the one its manifest records
    /// (a folder, hub id or <c>builtin:</c> model).
    /// </summary>
    public static string BaseFolder(string folder, TrainedModelManifest manifest, string? baseModel = null, ILogger? logger = null)
    {
        var basePath = Locus.Models.Builtin.BuiltinModels.ResolveFolder(
            baseModel ?? manifest.BaseModel ?? throw new LocusException($"{folder}: the adapter does not name its base model; pass --base"), logger);
        if (!Directory.Exists(basePath))
            throw new LocusException($"the adapter's base model '{basePath}' is not a folder here; pass --base with the base model folder");
        return basePath;
    }

    static TrainedModel ForInference(TrainedModel model)
    {
        model.EnterInference();
        return model;
    }

    /// <summary>An entity predictor (NER models).</summary>
    public NerPredictor NerPredictor(int batchSize = 32) => ModelPredictor.Ner(Classifier, Tokenizer, Manifest, batchSize);

    /// <summary>A label predictor (classification models).</summary>
    public TextClassifierPredictor TextPredictor(int batchSize = 32) => ModelPredictor.Text(Classifier, Tokenizer, Manifest, batchSize);

    /// <summary>The prediction path of <c>locus predict</c> for this model's task: one <see cref="PredictionRecord"/> per text.</summary>
    public ModelPredictor Predictor(int batchSize = 32) => ModelPredictor.For(Classifier, Tokenizer, Manifest, batchSize);

    /// <summary>Whether this is an NER model.</summary>
    public bool IsNer => Manifest.Task == DataTask.Ner.ToName();

    /// <summary>
    /// Writes a standalone Hugging Face model folder: the adapter merged into the base weights (or the full model
    /// as is), with the tokenizer files and the manifest.
    /// </summary>
    public void SaveMerged(string folder, string tokenizerSource)
    {
        Lora?.Merge();
        Classifier.SavePretrained(folder);
        FineTuner.CopyTokenizerFiles(tokenizerSource, folder);
        (Manifest with { Mode = FineTuneMode.Full, BaseModel = null }).Save(folder);
        Lora?.Unmerge();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Lora?.Dispose();
        Classifier.Dispose();
    }
}
