using Locus.Models.Encoders;
using Locus.Data;
using Locus.Training.Trainer;

namespace Locus.Training.FineTuning;

/// <summary>Full fine-tuning trains every weight; LoRA trains low-rank adapters and the task head only.</summary>
public enum FineTuneMode
{
    /// <summary>Low-rank adapters on the attention and feed-forward layers, plus the head (the default).</summary>
    Lora,

    /// <summary>Every parameter of the encoder and the head.</summary>
    Full,
}

/// <summary>Settings of a fine-tuning run (<c>locus train</c>).</summary>
public sealed class FineTuneOptions
{
    /// <summary>NER (token classification) or text classification.</summary>
    public DataTask Task { get; set; } = DataTask.Ner;

    /// <summary>LoRA or full fine-tuning.</summary>
    public FineTuneMode Mode { get; set; } = FineTuneMode.Lora;

    /// <summary>LoRA rank r (the paper's setting is 32; 8-64 is the usual sweep).</summary>
    public int LoraRank { get; set; } = 16;

    /// <summary>LoRA alpha; the update is scaled by alpha/r.</summary>
    public double LoraAlpha { get; set; } = 32;

    /// <summary>Dropout on the LoRA input.</summary>
    public double LoraDropout { get; set; } = 0.1;

    /// <summary>Scale by alpha/√r (rsLoRA), which keeps large ranks stable.</summary>
    public bool UseRsLora { get; set; }

    /// <summary>LoRA target modules (PEFT's suffix rule); null uses the architecture's attention and feed-forward projections.</summary>
    public IReadOnlyList<string>? TargetModules { get; set; }

    /// <summary>
    /// LoRA targets as a regular expression over whole module paths (<see cref="Lora.LoraConfig.TargetModulesRegex"/>);
    /// when set it replaces <see cref="TargetModules"/>.
    /// </summary>
    public string? TargetModulesRegex { get; set; }

    /// <summary>
    /// Text classification: what the head reads. <see cref="SequencePooling.Mean"/> (the default) is the normalised
    /// token mean that sentence encoders are trained for; <see cref="SequencePooling.Pooler"/> is Hugging Face's head.
    /// </summary>
    public SequencePooling Pooling { get; set; } = SequencePooling.Mean;

    /// <summary>
    /// Fit the head as a logistic regression on the frozen encoder's features (sentence vectors, or token vectors for
    /// NER) before fine-tuning, and keep those starting weights unless an epoch does at least as well on the dev set.
    /// Null (the default) fits text-classification heads only: on the quick start's NER data a token head fitted this
    /// way ended at test F1 0.81 against 0.99 from a random head (its confident "O" predictions slow the fine-tuning).
    /// </summary>
    public bool? FitHead { get; set; }

    /// <summary>Whether the head is fitted before fine-tuning: <see cref="FitHead"/>, else only for text classification.</summary>
    public bool FitsHead => FitHead ?? Task == DataTask.Classification;

    /// <summary>
    /// Single-label text classification: epochs of SetFit-style contrastive tuning of the encoder on pairs of training
    /// examples before the head is fitted (0 = off, the default: on Banking77 and TREC with all-MiniLM-L6-v2 and LoRA it
    /// added nothing measurable at twice the training time). Each epoch is judged on the dev set; the untuned encoder
    /// stays a candidate.
    /// </summary>
    public int ContrastiveEpochs { get; set; }

    /// <summary>
    /// Pairs per contrastive epoch, spread evenly over the training examples (at least 2 each, alternately same label
    /// and other label): small sets get many pairs per example, large sets a sample.
    /// </summary>
    public int ContrastivePairsPerEpoch { get; set; } = 2000;

    /// <summary>Learning rate of the contrastive tuning; null: <see cref="DefaultContrastiveLearningRate"/>.</summary>
    public double? ContrastiveLearningRate { get; set; }

    /// <summary>The contrastive learning rate that suits the mode: 2e-4 for LoRA, 2e-5 for full fine-tuning (SetFit's).</summary>
    public static double DefaultContrastiveLearningRate(FineTuneMode mode) => mode == FineTuneMode.Lora ? 2e-4 : 2e-5;

    /// <summary>
    /// Fewest optimiser steps between two dev evaluations: a training set smaller than this many batches is passed
    /// over several times per epoch, so epochs, patience and the best-epoch choice mean the same on 20 examples as on
    /// 2,000 (1 = one pass per epoch, whatever the size).
    /// </summary>
    public int MinimumStepsPerEpoch { get; set; } = 20;

    /// <summary>Multi-label classification (sigmoid per label) instead of single-label softmax.</summary>
    public bool MultiLabel { get; set; }

    /// <summary>Tokens per window; longer texts are split into overlapping windows, never truncated.</summary>
    public int MaxLength { get; set; } = 256;

    /// <summary>Tokens shared by consecutive windows of a long text.</summary>
    public int Stride { get; set; } = 64;

    /// <summary>Optimisation settings (epochs, learning rate, warm-up, clipping, early stopping, seed...).</summary>
    public TrainerOptions Training { get; set; } = new();

    /// <summary>
    /// Staged training: after the first phase, unfreeze the top k encoder layers progressively in a second phase,
    /// the top layer first and one more below at each of the k stages (0 = off).
    /// </summary>
    public int UnfreezeTopLayers { get; set; }

    /// <summary>Epochs of the second phase, split evenly over its k stages unless <see cref="UnfreezeEveryEpochs"/> is set.</summary>
    public int SecondPhaseEpochs { get; set; } = 5;

    /// <summary>Epochs between unfreezing one more layer (each stage's length); 0 splits <see cref="SecondPhaseEpochs"/> evenly.</summary>
    public int UnfreezeEveryEpochs { get; set; }

    /// <summary>Learning rate of the second phase (unfrozen layers move slowly).</summary>
    public double SecondPhaseLearningRate { get; set; } = 2e-5;

    /// <summary>A copy (its <see cref="Training"/> options copied too) to adjust for one run without changing the caller's.</summary>
    public FineTuneOptions Clone()
    {
        var copy = (FineTuneOptions)MemberwiseClone();
        copy.Training = Training.Clone();
        return copy;
    }

    /// <summary>The learning rate that suits the mode when none was chosen: 5e-4 for LoRA, 5e-5 for full fine-tuning.</summary>
    public static double DefaultLearningRate(FineTuneMode mode) => mode == FineTuneMode.Lora ? 5e-4 : 5e-5;
}
