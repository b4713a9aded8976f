using Locus.Data;
using Locus.Models.Encoders;
using Locus.Models.Hub;
using Locus.Models.Tokenization;
using Locus.Training.Lora;
using Locus.Training.Tasks;
using Locus.Training.Trainer;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp.Modules;

namespace Locus.Training.FineTuning;

/// <summary>What a fine-tuning run produced.</summary>
/// <param name="OutputFolder">The model folder written (adapter or full model, tokenizer, manifest).</param>
/// <param name="Phases">The trainer's result for phase 1, then for each stage of progressive unfreezing (stage s trains the top s layers).</param>
/// <param name="TrainableParameters">Parameters updated in the first phase.</param>
/// <param name="TotalParameters">Parameters of the classifier.</param>
/// <param name="SpanAlignment">For NER: how the training spans aligned with tokens (misaligned spans are labelled, not dropped).</param>
/// <param name="Contrastive">Text classification: the contrastive tuning of the encoder before phase 1 (epoch 0 = kept untuned), if it ran.</param>
public sealed record FineTuneResult(string OutputFolder, IReadOnlyList<TrainingResult> Phases, long TrainableParameters, long TotalParameters,
    SpanAlignment? SpanAlignment, TrainingResult? Contrastive = null);

/// <summary>
/// Fine-tunes a base encoder for NER or text classification, with LoRA (adapters and head; optionally a second
/// phase that unfreezes the top layers progressively, one more per stage) or in full, and writes the result: a PEFT adapter or a Hugging Face
/// model folder, the tokenizer files and <c>locus_model.json</c>.
/// </summary>
public sealed class FineTuner(ILogger? logger = null)
{
    const string AdapterName = "default";
    readonly ILogger logger = logger ?? NullLogger.Instance;

    /// <summary>Trains on <paramref name="train"/>, selects epochs on <paramref name="dev"/> and writes <paramref name="outputFolder"/>.</summary>
    public TrainedModel Train(string baseModel, IReadOnlyList<Example> train, IReadOnlyList<Example> dev, IReadOnlyList<string> labels,
        FineTuneOptions options, string outputFolder, out FineTuneResult result, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (train.Count == 0) throw new LocusException("the training set is empty");
        // Whatever draws from torch's global generator while the model is built (LoRA's A matrices take nn.Linear's
        // default init) must not depend on what ran before in this process: the seed fixes it.
        TorchSharp.torch.manual_seed(options.Training.Seed);
        baseModel = Locus.Models.Builtin.BuiltinModels.ResolveFolder(baseModel, logger);
        if (dev.Count == 0) throw new LocusException("the dev set is empty: early stopping and model selection need held-out examples");
        var tokenizer = TokenizerFactory.FromFolder(baseModel);
        var windows = new WindowOptions { MaxLength = options.MaxLength, Stride = options.Stride };
        TokenizedText.Create(tokenizer, "", windows); // the encoders' own check, before anything loads
        var ner = options.Task == DataTask.Ner;
        var headLabels = ner ? new BioLabelMap(labels).Labels : labels;
        var classifier = EncoderModels.LoadClassifier(baseModel, ner ? ClassificationTask.TokenClassification : ClassificationTask.SequenceClassification,
            new EncoderLoadOptions { Labels = headLabels, Seed = options.Training.Seed, Logger = logger, SequencePooling = ner ? null : options.Pooling });
        Func<IReadOnlyList<SequenceClassificationItem>, TaskBatch> collate = BatchCollator.For(tokenizer).Collate;
        var classItems = ner ? [] : new SequenceClassificationEncoder(tokenizer, new ClassLabelMap(headLabels), new SequenceClassificationOptions { Windows = windows, MultiLabel = options.MultiLabel })
            .EncodeAll(train.Cast<ClassificationExample>().ToList()).SelectMany(e => e.Items).ToList();
        var tokenDataset = ner
            ? new TokenClassificationEncoder(tokenizer, BioLabelMap.FromId2Label(headLabels), new TokenClassificationOptions { Windows = windows }).EncodeAll(train.Cast<NerExample>().ToList())
            : null;
        Func<IReadOnlyList<TokenClassificationItem>, TaskBatch> collateTokens = BatchCollator.For(tokenizer).Collate;
        var fitHead = options.FitsHead && classifier is ILinearHeadClassifier;
        if (fitHead)
        {
            // Before the adapters wrap the model, so the fitted head is what LoRA's copy of the head starts from.
            var head = (ILinearHeadClassifier)classifier;
            var featureBatch = Math.Max(32, options.Training.BatchSize);
            var accuracy = ner
                ? LinearHeadFit.Fit(head, tokenDataset!.Items, collateTokens, featureBatch, multiLabel: false, cancellationToken)
                : LinearHeadFit.Fit(head, classItems, collate, featureBatch, options.MultiLabel, cancellationToken);
            logger.LogInformation("Head fitted on the frozen encoder's features: training accuracy {Accuracy:F4}", accuracy);
        }

        var topLayers = TopLayerPaths(classifier, options.UnfreezeTopLayers);
        var stages = ProgressiveUnfreezing.Plan([.. topLayers.Reverse()], options.SecondPhaseEpochs, options.UnfreezeEveryEpochs);
        LoraModel? lora = null;
        if (options.Mode == FineTuneMode.Lora)
        {
            lora = new LoraModel(classifier);
            lora.AddAdapter(AdapterName, new LoraConfig
            {
                Rank = options.LoraRank, Alpha = options.LoraAlpha, Dropout = options.LoraDropout, UseRsLora = options.UseRsLora,
                TargetModules = options.TargetModulesRegex is not null ? [] : options.TargetModules ?? LoraDefaults.TargetModules(classifier.Config.ModelType),
                TargetModulesRegex = options.TargetModulesRegex,
                ModulesToSave = [.. LoraDefaults.ModulesToSave(!ner), .. topLayers],
                TaskType = ner ? "TOKEN_CLS" : "SEQ_CLS",
                BaseModelNameOrPath = Path.GetFullPath(baseModel),
            });
        }
        else if (topLayers.Count > 0)
        {
            throw new LocusException("staged unfreezing (--unfreeze-top-layers) applies to LoRA training; full fine-tuning already trains every layer");
        }
        else if (options.Training.Bf16)
        {
            throw new LocusException("--bf16 runs the frozen base of LoRA training in bfloat16; full fine-tuning trains every layer in float32");
        }

        var manifest = new TrainedModelManifest
        {
            Task = options.Task.ToName(), Mode = options.Mode, Labels = headLabels, MultiLabel = options.MultiLabel,
            MaxLength = options.MaxLength, Stride = options.Stride, BaseModel = lora is null ? null : Path.GetFullPath(baseModel),
            Pooling = ner ? null : options.Pooling,
        };
        var model = TrainedModel.From(classifier, lora, tokenizer, manifest);
        var phases = new List<TrainingResult>();
        // Looked up afresh for every phase: bf16 training replaces the frozen layers' parameter objects for a phase.
        IReadOnlyList<(string, Parameter)> Trainable(IReadOnlyList<string> unfrozen)
        {
            var all = lora?.PrepareForTraining() ?? classifier.named_parameters().Select(p => (p.name, p.parameter)).ToList();
            bool Trains(string name) => !ProgressiveUnfreezing.IsIn(name, topLayers) || ProgressiveUnfreezing.IsIn(name, unfrozen);
            foreach (var (name, p) in all) p.requires_grad = Trains(name);
            return all.Where(p => Trains(p.Item1)).ToList();
        }
        var firstPhase = Trainable([]);
        var trainableCount = firstPhase.Sum(p => p.Item2.numel());

        void SetMode(bool training) { if (lora is not null) lora.Train(training); else classifier.train(training); }
        var contrastive = fitHead && !ner && options.ContrastiveEpochs > 0 && !options.MultiLabel
            ? TuneEncoderContrastively((ILinearHeadClassifier)classifier, classItems, collate, firstPhase, SetMode, model.TextPredictor(options.Training.BatchSize), dev, options, outputFolder, progress, cancellationToken)
            : null;

        var alignment = tokenDataset?.Alignment;
        ITrainingTask Task(IReadOnlyList<(string, Parameter)> trainable)
        {
            if (ner)
            {
                var predictor = model.NerPredictor(options.Training.BatchSize);
                var devExamples = dev.Cast<NerExample>().ToList();
                return new ClassifierTrainingTask<TokenClassificationItem>(classifier, tokenDataset!.Items, options.Training.BatchSize,
                    collateTokens, ClassifierTrainingTask<TokenClassificationItem>.TokenLoss, trainable, SetMode,
                    ct => predictor.Evaluate(devExamples, ct).Report.Micro.F1, options.MinimumStepsPerEpoch);
            }
            var textPredictor = model.TextPredictor(options.Training.BatchSize);
            var devTexts = dev.Cast<ClassificationExample>().ToList();
            Func<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> loss = options.MultiLabel
                ? ClassifierTrainingTask<SequenceClassificationItem>.MultiLabelLoss
                : ClassifierTrainingTask<SequenceClassificationItem>.SingleLabelLoss;
            return new ClassifierTrainingTask<SequenceClassificationItem>(classifier, classItems, options.Training.BatchSize,
                collate, loss, trainable, SetMode,
                ct => textPredictor.Evaluate(devTexts, ct) is var e && e.Report is { } r ? r.Accuracy : e.MultiLabelReport!.Micro.F1, options.MinimumStepsPerEpoch);
        }

        var first = WithCheckpoint(options.Training, outputFolder, "phase1");
        first.EvaluateBeforeTraining |= fitHead;
        phases.Add(new Trainer.Trainer(first, logger).Train(Task(firstPhase), progress, cancellationToken));
        foreach (var (stage, number) in stages.Select((s, i) => (s, i + 1)))
        {
            // Each stage is a fresh trainer over exactly the parameters trainable now, so AdamW's moments and its
            // decay groups cover the newly unfrozen layer and nothing still frozen.
            var trainable = Trainable(stage.Layers);
            logger.LogInformation("Phase 2, stage {Stage}/{Stages}: training the top {Layers} layer(s) for {Epochs} epoch(s)", number, stages.Count, stage.Layers.Count, stage.Epochs);
            var second = WithCheckpoint(options.Training, outputFolder, $"phase2-stage{number}");
            second.Epochs = stage.Epochs;
            second.LearningRate = options.SecondPhaseLearningRate;
            phases.Add(new Trainer.Trainer(second, logger).Train(Task(trainable), progress, cancellationToken));
        }

        model.EnterInference();
        Save(model, baseModel, outputFolder);
        var total = classifier.parameters().Sum(p => p.numel()) + (lora?.LayersOf(AdapterName).Values.Sum(l => l.parameters().Sum(p => p.numel())) ?? 0);
        result = new FineTuneResult(outputFolder, phases, trainableCount, total, alignment, contrastive);
        return model;
    }

    // SetFit's stage 1 (see ContrastiveBodyTuning), judged per epoch by refitting the head and scoring the dev set;
    // the untuned encoder stays a candidate. The head is refitted once more on the chosen encoder.
    TrainingResult TuneEncoderContrastively(ILinearHeadClassifier head, IReadOnlyList<SequenceClassificationItem> items, Func<IReadOnlyList<SequenceClassificationItem>, TaskBatch> collate,
        IReadOnlyList<(string, Parameter)> trainable, Action<bool> setMode, TextClassifierPredictor predictor, IReadOnlyList<Example> dev, FineTuneOptions options,
        string outputFolder, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var devTexts = dev.Cast<ClassificationExample>().ToList();
        var featureBatch = Math.Max(32, options.Training.BatchSize);
        double Score(CancellationToken ct)
        {
            LinearHeadFit.Fit(head, items, collate, featureBatch, multiLabel: false, ct);
            return predictor.Evaluate(devTexts, ct).Report!.Accuracy;
        }
        var task = new ContrastiveBodyTuning(head, items, options.ContrastivePairsPerEpoch, options.Training.BatchSize, options.Training.Seed, collate, trainable, setMode, Score);
        var settings = WithCheckpoint(options.Training, outputFolder, "contrastive");
        settings.Epochs = options.ContrastiveEpochs;
        settings.Patience = 0;
        settings.EvaluateBeforeTraining = true;
        settings.LearningRate = options.ContrastiveLearningRate ?? FineTuneOptions.DefaultContrastiveLearningRate(options.Mode);
        logger.LogInformation("Contrastive tuning of the encoder: {Pairs} pairs, {Epochs} epoch(s), lr {Lr}", task.Pairs.Count, settings.Epochs, settings.LearningRate);
        var result = new Trainer.Trainer(settings, logger).Train(task, progress, cancellationToken);
        setMode(false);
        LinearHeadFit.Fit(head, items, collate, featureBatch, multiLabel: false, cancellationToken);
        logger.LogInformation("Contrastive tuning kept epoch {Epoch} (dev {Dev:F4})", result.BestEpoch, result.BestDevMetric);
        return result;
    }

    static TrainerOptions WithCheckpoint(TrainerOptions options, string outputFolder, string phase)
    {
        var copy = options.Clone();
        copy.CheckpointDirectory = Path.Combine(outputFolder, "checkpoints", phase);
        return copy;
    }

    static IReadOnlyList<string> TopLayerPaths(EncoderClassifier classifier, int count)
    {
        if (count <= 0) return [];
        var layers = classifier.Config.NumHiddenLayers;
        if (count > layers) throw new LocusException($"cannot unfreeze {count} layers: the encoder has {layers}");
        return Enumerable.Range(layers - count, count).Select(i => $"{classifier.BasePrefix}encoder.layer.{i}").ToList();
    }

    void Save(TrainedModel model, string baseModel, string outputFolder)
    {
        Directory.CreateDirectory(outputFolder);
        if (model.Lora is { } lora) PeftAdapterFiles.Save(lora, AdapterName, outputFolder);
        else model.Classifier.SavePretrained(outputFolder);
        CopyTokenizerFiles(baseModel, outputFolder);
        model.Manifest.Save(outputFolder);
        var checkpoints = Path.Combine(outputFolder, "checkpoints");
        if (Directory.Exists(checkpoints)) Directory.Delete(checkpoints, recursive: true);
        logger.LogInformation("Model written to {Folder}", outputFolder);
    }

    /// <summary>Copies the tokenizer files of a Hugging Face folder, so a model folder is self-contained.</summary>
    public static void CopyTokenizerFiles(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var name in ModelFiles.TokenizerFiles)
        {
            var from = Path.Combine(source, name);
            var to = Path.Combine(destination, name);
            if (File.Exists(from) && Path.GetFullPath(from) != Path.GetFullPath(to)) File.Copy(from, to, overwrite: true);
        }
    }
}
