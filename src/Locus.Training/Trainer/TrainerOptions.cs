namespace Locus.Training.Trainer;

/// <summary>Hyper-parameters of one training phase (Hugging Face Trainer names in the docs).</summary>
public sealed class TrainerOptions
{
    /// <summary>Maximum epochs (<c>num_train_epochs</c>); early stopping usually ends sooner. The LOCUS paper uses 40.</summary>
    public int Epochs { get; set; } = 40;

    /// <summary>Peak learning rate after warm-up (<c>learning_rate</c>).</summary>
    public double LearningRate { get; set; } = 2e-4;

    /// <summary>Decoupled weight decay for weights; biases and LayerNorm weights never decay (<c>weight_decay</c>).</summary>
    public double WeightDecay { get; set; } = 0.01;

    /// <summary>Fraction of the optimiser steps spent warming up linearly from 0 (<c>warmup_ratio</c>).</summary>
    public double WarmupRatio { get; set; } = 0.1;

    /// <summary>Gradients are clipped to this global L2 norm (<c>max_grad_norm</c>); 0 disables clipping.</summary>
    public double MaxGradNorm { get; set; } = 1.0;

    /// <summary>Batches whose gradients are summed before each optimiser step (<c>gradient_accumulation_steps</c>).</summary>
    public int GradientAccumulationSteps { get; set; } = 1;

    /// <summary>Examples per batch (<c>per_device_train_batch_size</c>).</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>
    /// Epochs without improvement of the dev metric before stopping (<c>early_stopping_patience</c>); 0 disables. Epochs
    /// before the dev metric first rises above 0 do not count.
    /// </summary>
    public int Patience { get; set; } = 5;

    /// <summary>Seed for batching order, dropout and initialisation: the same seed gives the same run.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>CPU threads for TorchSharp; 0 keeps the library default.</summary>
    public int Threads { get; set; }

    /// <summary>
    /// Run the frozen linear layers in bfloat16 (<see cref="Bf16LinearAutocast"/>): faster LoRA training on CPUs with
    /// native bf16 matmuls; trainable weights and their updates stay float32.
    /// </summary>
    public bool Bf16 { get; set; }

    /// <summary>
    /// Activation (gradient) checkpointing of the encoder layers (<see cref="Locus.Models.Encoders.ActivationCheckpoint"/>):
    /// each layer keeps only its input during the forward pass and recomputes its activations in the backward pass,
    /// cutting training memory at the cost of about one more forward pass per step. Results are unchanged.
    /// </summary>
    public bool GradientCheckpointing { get; set; }

    /// <summary>Folder for the resumable checkpoint (written after every epoch); null disables checkpoints.</summary>
    public string? CheckpointDirectory { get; set; }

    /// <summary>
    /// Scores the dev set before the first epoch and keeps the starting weights unless an epoch reaches that score
    /// (e.g. a head fitted on frozen features: fine-tuning must earn its place).
    /// </summary>
    public bool EvaluateBeforeTraining { get; set; }

    /// <summary>
    /// Train only the first N epochs of the <see cref="Epochs"/>-epoch schedule and keep the weights they end with: no
    /// early stopping and no best-epoch choice (null, the default: both on). For refitting on data that includes the
    /// dev set, whose score then says nothing: N comes from a run that held the dev set out, and the same schedule
    /// makes those N epochs train as they did there.
    /// </summary>
    public int? StopAfterEpoch { get; set; }

    /// <summary>A copy to adjust for one phase without changing the caller's options.</summary>
    public TrainerOptions Clone() => (TrainerOptions)MemberwiseClone();

    /// <summary>Validates the values and names the first bad one.</summary>
    public void Validate()
    {
        // Named as the command line names them (the CLI checks ranges while parsing; this catches library callers).
        static void Check(bool ok, string name, string range, object value) { if (!ok) throw new LocusException($"{name} must be {range} (got {value})"); }
        Check(Epochs > 0, "--epochs", "at least 1", Epochs);
        Check(LearningRate > 0, "--lr", "greater than 0", LearningRate);
        Check(WeightDecay >= 0, "--weight-decay", "at least 0", WeightDecay);
        Check(WarmupRatio is >= 0 and < 1, "--warmup", "at least 0 and below 1", WarmupRatio);
        Check(MaxGradNorm >= 0, "--max-grad-norm", "at least 0", MaxGradNorm);
        Check(GradientAccumulationSteps > 0, "--grad-accum", "at least 1", GradientAccumulationSteps);
        Check(BatchSize > 0, "--batch-size", "at least 1", BatchSize);
        Check(Patience >= 0, "--patience", "at least 0", Patience);
        Check(StopAfterEpoch is null || (StopAfterEpoch >= 0 && StopAfterEpoch <= Epochs), "the epoch to stop after", $"between 0 and --epochs ({Epochs})", StopAfterEpoch ?? 0);
    }
}
