using Locus.Data;
using Locus.Models.Encoders;
using Locus.Models.Tokenization;
using Locus.Training.FineTuning;
using Locus.Training.Lora;
using Microsoft.Extensions.Logging;

namespace Locus.Training.Inference;

/// <summary>
/// Many LoRA adapters served from one base model held once in memory: the base classifier is loaded a single time, each
/// adapter (its A/B matrices and its own task head, which may have another label count) is loaded beside it with
/// <see cref="LoraModel"/>'s multi-adapter support, and <see cref="Predict"/> switches to the named adapter before its
/// forward pass. Adapters join a set when they share its base folder, task and (text classification) pooling.
/// Calls are serialised: the active adapter is state of the shared model.
/// </summary>
public sealed class AdapterSet : IDisposable
{
    readonly EncoderClassifier classifier;
    readonly LoraModel lora;
    readonly Dictionary<string, ModelPredictor> predictors = new(StringComparer.Ordinal);
    readonly Dictionary<string, ITextTokenizer> tokenizers = new(StringComparer.Ordinal);
    readonly Lock gate = new();
    readonly ILogger? logger;

    AdapterSet(string baseFolder, EncoderClassifier classifier, SequencePooling? pooling, ClassificationTask task, ILogger? logger)
    {
        BaseFolder = baseFolder;
        this.classifier = classifier;
        lora = new LoraModel(classifier);
        Pooling = pooling;
        Task = task;
        this.logger = logger;
    }

    /// <summary>The base model folder every adapter of the set applies to.</summary>
    public string BaseFolder { get; }

    /// <summary>The task of the set's heads.</summary>
    public ClassificationTask Task { get; }

    /// <summary>The pooling of text-classification heads (null for NER).</summary>
    public SequencePooling? Pooling { get; }

    /// <summary>The names of the adapters loaded.</summary>
    public IReadOnlyCollection<string> Names => predictors.Keys;

    /// <summary>
    /// Opens a set on the base of the adapter in <paramref name="adapterFolder"/> (or <paramref name="baseModel"/>), loading
    /// the base model once; add that adapter and others with <see cref="Add"/>.
    /// </summary>
    public static AdapterSet Open(string adapterFolder, string? baseModel = null, ILogger? logger = null)
    {
        var manifest = TrainedModelManifest.Load(adapterFolder);
        if (manifest.Mode == FineTuneMode.Full) throw new LocusException($"'{adapterFolder}' is a full model, not an adapter");
        // No logger for the base load: its "head newly initialised" warning does not apply, each adapter brings its head.
        var options = TrainedModel.LoadOptions(manifest, null);
        var baseFolder = TrainedModel.BaseFolder(adapterFolder, manifest, baseModel, logger);
        return new AdapterSet(baseFolder, EncoderModels.LoadClassifier(baseFolder, TrainedModel.TaskOf(manifest), options), options.SequencePooling,
            TrainedModel.TaskOf(manifest), logger);
    }

    /// <summary>Whether the adapter in <paramref name="adapterFolder"/> can join this set (same base folder, task and pooling).</summary>
    public bool Accepts(string adapterFolder, string? baseModel = null)
    {
        var manifest = TrainedModelManifest.Load(adapterFolder);
        if (manifest.Mode == FineTuneMode.Full) return false;
        var options = TrainedModel.LoadOptions(manifest, logger);
        return TrainedModel.TaskOf(manifest) == Task && options.SequencePooling == Pooling &&
               SameFolder(TrainedModel.BaseFolder(adapterFolder, manifest, baseModel, logger), BaseFolder);
    }

    static bool SameFolder(string a, string b) =>
        string.Equals(Path.GetFullPath(a).TrimEnd(Path.DirectorySeparatorChar), Path.GetFullPath(b).TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal);

    /// <summary>Loads the adapter in <paramref name="adapterFolder"/> under <paramref name="name"/>.</summary>
    public void Add(string name, string adapterFolder, int batchSize = 32)
    {
        var manifest = TrainedModelManifest.Load(adapterFolder);
        lock (gate)
        {
            PeftAdapterFiles.Load(lora, adapterFolder, name);
            lora.Train(false);
            classifier.eval();
            predictors[name] = ModelPredictor.For(classifier, TokenizerOf(adapterFolder), manifest, batchSize);
        }
    }

    /// <summary>Adapters of one base usually carry the same tokenizer files: one tokenizer instance serves them all.</summary>
    ITextTokenizer TokenizerOf(string adapterFolder)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var file in Locus.Models.Hub.ModelFiles.TokenizerFiles.Select(n => Path.Combine(adapterFolder, n)).Where(File.Exists))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\n"));
            hash.AppendData(File.ReadAllBytes(file));
        }
        var key = Convert.ToHexString(hash.GetHashAndReset());
        if (!tokenizers.TryGetValue(key, out var tokenizer)) tokenizers[key] = tokenizer = TokenizerFactory.FromFolder(adapterFolder);
        return tokenizer;
    }

    /// <summary>Predicts with the adapter <paramref name="name"/>: one record per text, as <c>locus predict</c> with that model.</summary>
    public IReadOnlyList<PredictionRecord> Predict(string name, IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        if (!predictors.TryGetValue(name, out var predictor)) throw new LocusException($"no adapter named '{name}' in this set");
        lock (gate)
        {
            lora.SetActiveAdapter(name);
            return predictor.Predict(texts, cancellationToken);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lora.Dispose();
        classifier.Dispose();
    }
}
