using Locus.Data;
using Locus.Models.Bert;
using Locus.Models.Configuration;
using Locus.Models.Encoders;
using Locus.Models.Tokenization;
using Locus.Training.Trainer;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Locus.Training.Pretraining;

/// <summary>Settings of <see cref="Pretrainer"/>.</summary>
public sealed class PretrainOptions
{
    /// <summary>Text files, data files or folders to learn from.</summary>
    public IReadOnlyList<string> Corpus { get; set; } = [];

    /// <summary>Where the pre-trained model (config.json, model.safetensors, tokenizer files) is written.</summary>
    public string OutputFolder { get; set; } = "pretrained";

    /// <summary>
    /// A Hugging Face model folder to continue pre-training (domain adaptation); null trains a new encoder with a
    /// new WordPiece vocabulary learnt from the corpus.
    /// </summary>
    public string? BaseModel { get; set; }

    /// <summary>Size of a new encoder (ignored when <see cref="BaseModel"/> is set).</summary>
    public int HiddenSize { get; set; } = 256;

    /// <summary>Layers of a new encoder.</summary>
    public int Layers { get; set; } = 4;

    /// <summary>Attention heads of a new encoder.</summary>
    public int Heads { get; set; } = 4;

    /// <summary>Vocabulary size of a new WordPiece tokenizer.</summary>
    public int VocabSize { get; set; } = 8000;

    /// <summary>Tokens per training sequence; longer texts are split into several sequences, never cut.</summary>
    public int MaxLength { get; set; } = 128;

    /// <summary>Fraction of tokens predicted (BERT: 0.15).</summary>
    public double MaskProbability { get; set; } = 0.15;

    /// <summary>Fraction of texts held out to measure masked-token accuracy.</summary>
    public double DevFraction { get; set; } = 0.05;

    /// <summary>Optimisation settings; defaults suited to pre-training are set by <see cref="Pretrainer"/>.</summary>
    public TrainerOptions Training { get; set; } = new() { Epochs = 3, LearningRate = 5e-4, BatchSize = 32, WarmupRatio = 0.06, Patience = 0 };
}

/// <summary>What a pre-training run produced.</summary>
/// <param name="OutputFolder">The Hugging Face folder written.</param>
/// <param name="Texts">Texts read from the corpus.</param>
/// <param name="TrainSequences">Training sequences after splitting long texts.</param>
/// <param name="Parameters">Parameters of the encoder.</param>
/// <param name="Training">The trainer's result (dev metric: masked-token accuracy).</param>
public sealed record PretrainResult(string OutputFolder, int Texts, int TrainSequences, long Parameters, TrainingResult Training);

/// <summary>
/// Masked-language-model pre-training: from scratch (a new WordPiece vocabulary and a small BERT encoder learnt from
/// the corpus) or continued from an existing encoder (domain-adaptive pre-training). This is how a machine that
/// cannot download pretrained weights still gets a non-random encoder.
/// </summary>
public sealed class Pretrainer(ILogger? logger = null)
{
    readonly ILogger logger = logger ?? NullLogger.Instance;

    /// <summary>Runs pre-training and writes the model folder.</summary>
    public async Task<PretrainResult> RunAsync(PretrainOptions options, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (options.Corpus.Count == 0) throw new LocusException("no corpus given: pass one or more text or data files");
        var texts = new List<string>();
        await foreach (var text in TextCorpus.ReadAsync(options.Corpus, cancellationToken)) texts.Add(text);
        if (texts.Count < 2) throw new LocusException($"the corpus holds {texts.Count} text(s); pre-training needs at least 2");
        logger.LogInformation("Read {Count} texts", texts.Count);

        var shuffled = texts.ToArray();
        new Random(options.Training.Seed).Shuffle(shuffled);
        var devCount = Math.Clamp((int)Math.Round(shuffled.Length * options.DevFraction), 1, shuffled.Length - 1);
        var dev = shuffled[..devCount];
        var train = shuffled[devCount..];

        Directory.CreateDirectory(options.OutputFolder);
        var (encoder, tokenizer) = options.BaseModel is { } baseFolder
            ? (EncoderModels.Load(baseFolder, new EncoderLoadOptions { Logger = logger }), TokenizerFactory.FromFolder(baseFolder))
            : NewEncoder(options, train);
        if (options.BaseModel is { } source) FineTuning.FineTuner.CopyTokenizerFiles(source, options.OutputFolder);

        using var model = new EncoderForMaskedLM(encoder, options.Training.Seed);
        if (options.BaseModel is { } folder) HuggingFaceLayout.LoadWeights(model, folder, logger);
        using var task = new MaskedLmTask(model, tokenizer, train, dev, options.MaxLength, options.Training.BatchSize, options.MaskProbability, options.Training.Seed);
        logger.LogInformation("{Sequences} training sequences, {Batches} batches per epoch", task.TrainSequences, task.BatchesPerEpoch);

        // A checkpoint after every epoch in the output folder: rerunning an interrupted pre-training with the same
        // settings continues after its last finished epoch instead of starting again.
        var training = options.Training.Clone();
        training.CheckpointDirectory ??= CheckpointFolder(options.OutputFolder);
        var result = new Trainer.Trainer(training, logger).Train(task, progress, cancellationToken);
        model.eval();
        HuggingFaceLayout.Save(model, options.OutputFolder);
        if (Directory.Exists(training.CheckpointDirectory)) Directory.Delete(training.CheckpointDirectory, recursive: true);
        var parameters = encoder.parameters().Sum(p => p.numel());
        return new PretrainResult(options.OutputFolder, texts.Count, task.TrainSequences, parameters, result);
    }

    /// <summary>Where <see cref="RunAsync"/> keeps its per-epoch checkpoint inside <paramref name="outputFolder"/> until it finishes.</summary>
    public static string CheckpointFolder(string outputFolder) => Path.Combine(outputFolder, "checkpoints");

    (EncoderModel, ITextTokenizer) NewEncoder(PretrainOptions options, IReadOnlyList<string> train)
    {
        var trainerOptions = new WordPieceTrainerOptions { VocabSize = options.VocabSize, ModelMaxLength = options.MaxLength };
        var vocab = WordPieceTrainer.Train(train, trainerOptions);
        WordPieceTrainer.WriteTokenizerFolder(options.OutputFolder, vocab, trainerOptions);
        logger.LogInformation("Learnt a WordPiece vocabulary of {Size} tokens", vocab.Count);

        var config = new BertConfig
        {
            VocabSize = vocab.Count,
            HiddenSize = options.HiddenSize,
            NumHiddenLayers = options.Layers,
            NumAttentionHeads = options.Heads,
            IntermediateSize = options.HiddenSize * 4,
            MaxPositionEmbeddings = Math.Max(512, options.MaxLength),
        };
        return (EncoderModels.Create(config, options.Training.Seed), TokenizerFactory.FromFolder(options.OutputFolder));
    }
}
