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
    readonly Dictionary<string, ITextTokenizer> tokenizerOf = new(StringComparer.Ordinal);
    int batchSize = 32;
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
            tokenizerOf[name] = TokenizerOf(adapterFolder);
            predictors[name] = ModelPredictor.For(classifier, tokenizerOf[name], manifest, batchSize);
            this.batchSize = batchSize;
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
        lock (gate) return PredictLocked(name, predictor, texts, cancellationToken);
    }

    IReadOnlyList<PredictionRecord> PredictLocked(string name, ModelPredictor predictor, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        lora.SetActiveAdapter(name);
        return predictor.Predict(texts, cancellationToken);
    }

    /// <summary>
    /// Predicts for several adapters at once, one list of records per request, in request order. NER adapters whose only
    /// module to save is the head and that share one tokenizer are predicted together: all their windows are bucketed by
    /// length, each batch runs the base model once with every row's own LoRA update (<see cref="LoraModel.SetRowAdapters"/>)
    /// and each adapter's head reads its rows. Otherwise (text classification, whose pooler is per adapter; unfrozen
    /// layers) the adapters are predicted one after the other.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<PredictionRecord>> PredictMany(IReadOnlyList<(string Model, IReadOnlyList<string> Texts)> requests, CancellationToken cancellationToken = default)
    {
        foreach (var (model, _) in requests)
            if (!predictors.ContainsKey(model)) throw new LocusException($"no adapter named '{model}' in this set");
        lock (gate)
        {
            if (requests.Select(r => r.Model).Distinct(StringComparer.Ordinal).Count() > 1 && CanMix(requests.Select(r => r.Model)))
                return PredictMixed(requests, cancellationToken);
            return requests.Select(r => PredictLocked(r.Model, predictors[r.Model], r.Texts, cancellationToken)).ToList();
        }
    }

    /// <summary>Whether these adapters can share forward passes (see <see cref="PredictMany"/>).</summary>
    public bool CanMix(IEnumerable<string> models)
    {
        var names = models.Distinct(StringComparer.Ordinal).ToList();
        return Task == ClassificationTask.TokenClassification && classifier is ILinearHeadClassifier
               && names.All(n => predictors[n].NerPath is not null && lora.ConfigOf(n).ModulesToSave.All(m => m == "classifier"))
               && names.Select(n => tokenizerOf[n]).Distinct().Count() == 1;
    }

    List<IReadOnlyList<PredictionRecord>> PredictMixed(IReadOnlyList<(string Model, IReadOnlyList<string> Texts)> requests, CancellationToken cancellationToken)
    {
        var ners = requests.Select(r => predictors[r.Model].NerPath!).ToList();
        var encoded = requests.Select((r, g) => r.Texts.Select((t, i) => ners[g].Encoder.Encode(t, i)).ToList()).ToList();
        var logits = encoded.Select(e => new Tasks.WindowLogits(e.Select(x => x.Items.Count))).ToList();
        var items = encoded.SelectMany((e, g) => e.SelectMany(x => x.Items).Select(item => (Group: g, Item: item))).OrderBy(x => x.Item.Window.Length).ToList();
        var heads = requests.Select(r => lora.ModulesToSaveOf(r.Model)).ToList();
        var features = (ILinearHeadClassifier)classifier;
        classifier.eval();
        using (TorchSharp.torch.no_grad())
        {
            foreach (var chunk in items.Chunk(batchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = TorchSharp.torch.NewDisposeScope();
                using var batch = ners[0].Collator.Collate(chunk.Select(c => c.Item).ToList());
                lora.SetRowAdapters(chunk.Select(c => requests[c.Group].Model).ToList());
                try
                {
                    var hidden = features.Features(batch.ToEncoderInput());
                    foreach (var group in chunk.Select((c, row) => (c.Group, c.Item, Row: (long)row)).GroupBy(c => c.Group))
                    {
                        using var rows = TorchSharp.torch.tensor(group.Select(c => c.Row).ToArray());
                        var head = heads[group.Key];
                        var groupLogits = TorchSharp.torch.nn.functional.linear(hidden.index_select(0, rows), head["classifier.weight"], head["classifier.bias"]);
                        logits[group.Key].Add(group.Select(c => c.Item).ToList(), groupLogits);
                    }
                }
                finally
                {
                    lora.SetRowAdapters(null);
                }
            }
        }
        return requests.Select((r, g) => (IReadOnlyList<PredictionRecord>)r.Texts
            .Select((t, i) => ModelPredictor.NerRecord(t, ners[g].Decode(encoded[g][i], logits[g].Of(i)))).ToList()).ToList();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lora.Dispose();
        classifier.Dispose();
    }
}
