using System.CommandLine;
using Locus.Data;
using Locus.Training.FineTuning;
using Locus.Training.Trainer;

namespace Locus.Cli.Commands.Training;

/// <summary>The fine-tuning options that <c>locus train</c> and <c>locus specialize</c> share, and how they become <see cref="FineTuneOptions"/>.</summary>
internal sealed class FineTuneCommandOptions
{
    readonly Option<bool> full = new("--full") { Description = "Full fine-tuning instead of LoRA." };
    readonly Option<int> rank = new("--rank") { Description = "LoRA rank r.", DefaultValueFactory = _ => 16 };
    readonly Option<double> alpha = new("--alpha") { Description = "LoRA alpha (scaling alpha/r).", DefaultValueFactory = _ => 32 };
    readonly Option<double> loraDropout = new("--lora-dropout") { Description = "Dropout on the LoRA input.", DefaultValueFactory = _ => 0.1 };
    readonly Option<bool> rslora = new("--rslora") { Description = "Scale by alpha/sqrt(r) (rsLoRA)." };
    readonly Option<string[]?> targets = new("--lora-targets") { Description = "LoRA target modules (default: attention and feed-forward projections).", AllowMultipleArgumentsPerToken = true };
    readonly Option<int> unfreeze = new("--unfreeze-top-layers") { Description = "Second phase: unfreeze the top k layers progressively, the top one first and one more per stage (LoRA only).", DefaultValueFactory = _ => 0 };
    readonly Option<int> unfreezeEvery = new("--unfreeze-every") { Description = "Epochs per unfreezing stage (0: split --second-phase-epochs evenly over the k stages).", DefaultValueFactory = _ => 0 };
    readonly Option<int> secondEpochs = new("--second-phase-epochs") { Description = "Epochs of the second phase, over all its stages.", DefaultValueFactory = _ => 5 };
    readonly Option<double> secondLr = new("--second-phase-lr") { Description = "Peak learning rate of the second phase.", DefaultValueFactory = _ => 2e-5 };
    readonly Option<bool> bf16 = new("--bf16") { Description = "Run the frozen base layers in bfloat16 (LoRA; faster on CPUs with AVX512-BF16/AMX); trainable weights stay float32." };
    readonly Option<int> epochs = new("--epochs") { Description = "Maximum epochs (early stopping usually ends sooner).", DefaultValueFactory = _ => 40 };
    readonly Option<double?> lr = new("--lr") { Description = "Peak learning rate (default 5e-4 for LoRA, 5e-5 full)." };
    readonly Option<int> batch = new("--batch-size") { Description = "Examples per batch.", DefaultValueFactory = _ => 16 };
    readonly Option<int> accumulate = new("--grad-accum") { Description = "Batches per optimiser step.", DefaultValueFactory = _ => 1 };
    readonly Option<double> warmup = new("--warmup") { Description = "Warm-up fraction of the steps.", DefaultValueFactory = _ => 0.1 };
    readonly Option<double> decay = new("--weight-decay") { Description = "Weight decay (not on biases and LayerNorm).", DefaultValueFactory = _ => 0.01 };
    readonly Option<double> clip = new("--max-grad-norm") { Description = "Gradient clipping norm (0: off).", DefaultValueFactory = _ => 1.0 };
    readonly Option<int> patience = new("--patience") { Description = "Early-stopping patience in epochs (0: off).", DefaultValueFactory = _ => 5 };
    readonly Option<int> seed = new("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 42 };
    readonly Option<int> threads = new("--threads") { Description = "CPU threads (0: library default).", DefaultValueFactory = _ => 0 };
    readonly Option<int> maxLength = new("--max-length") { Description = "Tokens per window; longer texts are windowed, never cut.", DefaultValueFactory = _ => 256 };
    readonly Option<int> stride = new("--stride") { Description = "Tokens shared by consecutive windows.", DefaultValueFactory = _ => 64 };
    readonly Option<bool> multiLabel = new("--multi-label") { Description = "Multi-label classification (sigmoid per label)." };

    /// <summary>The random seed option (shared with other settings of a command).</summary>
    public Option<int> Seed => seed;

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { full, rank, alpha, loraDropout, rslora, targets, unfreeze, unfreezeEvery, secondEpochs, secondLr, bf16, epochs, lr, batch, accumulate, warmup, decay, clip, patience, seed, threads, maxLength, stride, multiLabel })
            command.Options.Add(option);
    }

    /// <summary>The fine-tuning settings the user gave.</summary>
    public FineTuneOptions Build(ParseResult parse, DataTask task)
    {
        var mode = parse.GetValue(full) ? FineTuneMode.Full : FineTuneMode.Lora;
        return new FineTuneOptions
        {
            Task = task, Mode = mode, LoraRank = parse.GetValue(rank), LoraAlpha = parse.GetValue(alpha), LoraDropout = parse.GetValue(loraDropout),
            UseRsLora = parse.GetValue(rslora), TargetModules = parse.GetValue(targets) is { Length: > 0 } t ? t : null, UnfreezeTopLayers = parse.GetValue(unfreeze),
            UnfreezeEveryEpochs = parse.GetValue(unfreezeEvery), SecondPhaseEpochs = parse.GetValue(secondEpochs), SecondPhaseLearningRate = parse.GetValue(secondLr),
            MultiLabel = parse.GetValue(multiLabel), MaxLength = parse.GetValue(maxLength), Stride = parse.GetValue(stride),
            Training = new TrainerOptions
            {
                Epochs = parse.GetValue(epochs), LearningRate = parse.GetValue(lr) ?? FineTuneOptions.DefaultLearningRate(mode),
                BatchSize = parse.GetValue(batch), GradientAccumulationSteps = parse.GetValue(accumulate), WarmupRatio = parse.GetValue(warmup),
                WeightDecay = parse.GetValue(decay), MaxGradNorm = parse.GetValue(clip), Patience = parse.GetValue(patience),
                Seed = parse.GetValue(seed), Threads = parse.GetValue(threads), Bf16 = parse.GetValue(bf16),
            },
        };
    }
}
