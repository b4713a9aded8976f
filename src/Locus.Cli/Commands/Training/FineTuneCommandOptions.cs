using System.CommandLine;
using Locus.Data;
using Locus.Models.Encoders;
using Locus.Training.FineTuning;
using Locus.Training.Trainer;

namespace Locus.Cli.Commands.Training;

/// <summary>The fine-tuning options that <c>locus train</c> and <c>locus specialize</c> share, and how they become <see cref="FineTuneOptions"/>.</summary>
internal sealed class FineTuneCommandOptions
{
    readonly Option<bool> full = new Option<bool>("--full") { Description = "Full fine-tuning instead of LoRA." };
    readonly Option<int> rank = new Option<int>("--rank") { Description = "LoRA rank r.", DefaultValueFactory = _ => 16 }.InRange(1, 4096);
    readonly Option<double> alpha = new Option<double>("--alpha") { Description = "LoRA alpha (scaling alpha/r).", DefaultValueFactory = _ => 32 }.InRange(0, null, exclusiveMin: true);
    readonly Option<double> loraDropout = new Option<double>("--lora-dropout") { Description = "Dropout on the LoRA input.", DefaultValueFactory = _ => 0.1 }.InRange(0, 0.999);
    readonly Option<bool> rslora = new Option<bool>("--rslora") { Description = "Scale by alpha/sqrt(r) (rsLoRA)." };
    readonly Option<string[]?> targets = new Option<string[]?>("--lora-targets") { Description = "LoRA target modules, PEFT's list rule: a module is targeted when its path ends with a name, e.g. query value intermediate.dense (default: attention and feed-forward projections). 'output.dense' also matches attention.output.dense; use --lora-target-regex to tell them apart.", AllowMultipleArgumentsPerToken = true };
    readonly Option<string?> targetRegex = new Option<string?>("--lora-target-regex") { Description = @"LoRA targets as one regular expression that must match a module's whole path (PEFT's string form of target_modules, kept as a string in adapter_config.json), e.g. '.*\.layer\.\d+\.(attention\.self\.(query|key|value)|intermediate\.dense|output\.dense)' for BERT's attention projections and both feed-forward layers. Replaces --lora-targets." };
    readonly Option<int> unfreeze = new Option<int>("--unfreeze-top-layers") { Description = "Second phase: unfreeze the top k layers progressively, the top one first and one more per stage (LoRA only).", DefaultValueFactory = _ => 0 }.InRange(0, 1000);
    readonly Option<int> unfreezeEvery = new Option<int>("--unfreeze-every") { Description = "Epochs per unfreezing stage (0: split --second-phase-epochs evenly over the k stages).", DefaultValueFactory = _ => 0 }.InRange(0, null);
    readonly Option<int> secondEpochs = new Option<int>("--second-phase-epochs") { Description = "Epochs of the second phase, over all its stages.", DefaultValueFactory = _ => 5 }.InRange(1, null);
    readonly Option<double> secondLr = new Option<double>("--second-phase-lr") { Description = "Peak learning rate of the second phase.", DefaultValueFactory = _ => 2e-5 }.InRange(0, null, exclusiveMin: true);
    readonly Option<bool> bf16 = new Option<bool>("--bf16") { Description = "Run the frozen base layers in bfloat16 (LoRA; meant for CPUs with AMX: on an AVX512-BF16 CPU without AMX a deberta-v3-base LoRA step took 1.5x the float32 step); trainable weights stay float32." };
    readonly Option<bool> gradientCheckpointing = new Option<bool>("--gradient-checkpointing") { Description = "Recompute each encoder layer's activations in the backward pass instead of keeping them: less training memory (deberta-v3-base LoRA at 16 x 128: 3.4 instead of 5.7 GiB), about 1.5x the step time with LoRA and 1.25x with --full; same results." };
    readonly Option<int> epochs = new Option<int>("--epochs") { Description = "Maximum epochs (early stopping usually ends sooner).", DefaultValueFactory = _ => 40 }.InRange(1, null);
    readonly Option<double?> lr = PositiveOrDefault(new("--lr") { Description = "Peak learning rate (default 5e-4 for LoRA, 5e-5 full)." });

    static Option<double?> PositiveOrDefault(Option<double?> option)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is { } value && !(value > 0))
                result.AddError($"{option.Name} must be greater than 0 (got {value.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
        });
        return option;
    }
    readonly Option<int> batch = new Option<int>("--batch-size") { Description = "Examples per batch.", DefaultValueFactory = _ => 16 }.InRange(1, null);
    readonly Option<int> accumulate = new Option<int>("--grad-accum") { Description = "Batches per optimiser step.", DefaultValueFactory = _ => 1 }.InRange(1, null);
    readonly Option<double> warmup = new Option<double>("--warmup") { Description = "Warm-up fraction of the steps.", DefaultValueFactory = _ => 0.1 }.InRange(0, 0.999);
    readonly Option<double> decay = new Option<double>("--weight-decay") { Description = "Weight decay (not on biases and LayerNorm).", DefaultValueFactory = _ => 0.01 }.InRange(0, null);
    readonly Option<double> clip = new Option<double>("--max-grad-norm") { Description = "Gradient clipping norm (0: off).", DefaultValueFactory = _ => 1.0 }.InRange(0, null);
    readonly Option<int> patience = new Option<int>("--patience") { Description = "Early-stopping patience in epochs (0: off).", DefaultValueFactory = _ => 5 }.InRange(0, null);
    readonly Option<int> seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 42 };
    readonly Option<int> threads = new Option<int>("--threads") { Description = "CPU threads (0: library default).", DefaultValueFactory = _ => 0 }.InRange(0, 1024);
    readonly Option<int> maxLength = new Option<int>("--max-length") { Description = "Tokens per window; longer texts are windowed, never cut.", DefaultValueFactory = _ => 256 }.InRange(3, 100000);
    readonly Option<int> stride = new Option<int>("--stride") { Description = "Tokens shared by consecutive windows.", DefaultValueFactory = _ => 64 }.InRange(0, null);
    readonly Option<bool> multiLabel = new Option<bool>("--multi-label") { Description = "Multi-label classification (sigmoid per label)." };
    readonly Option<SequencePooling> pooling = new Option<SequencePooling>("--pooling") { Description = "Text classification: what the head reads, Mean (normalised token mean, as sentence encoders are trained) or Pooler (Hugging Face's head).", DefaultValueFactory = _ => SequencePooling.Mean };
    readonly Option<int> minSteps = new Option<int>("--min-steps-per-epoch") { Description = "Fewest optimiser steps between dev evaluations: small training sets are passed over several times per epoch.", DefaultValueFactory = _ => 20 }.InRange(1, 100000);
    readonly Option<bool?> headFit = new Option<bool?>("--head-fit") { Description = "Fit the head (logistic regression) on the frozen encoder's features before fine-tuning: true or false (default: text classification only)." };
    readonly Option<int> contrastiveEpochs = new Option<int>("--contrastive-epochs") { Description = "Text classification: epochs of SetFit-style contrastive tuning of the encoder on pairs of examples before the head (0: off).", DefaultValueFactory = _ => 0 }.InRange(0, 100);

    /// <summary>The random seed option (shared with other settings of a command).</summary>
    public Option<int> Seed => seed;

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { full, rank, alpha, loraDropout, rslora, targets, targetRegex, unfreeze, unfreezeEvery, secondEpochs, secondLr, bf16, gradientCheckpointing, epochs, lr, batch, accumulate, warmup, decay, clip, patience, seed, threads, maxLength, stride, multiLabel, pooling, headFit, contrastiveEpochs, minSteps })
            command.Options.Add(option);
    }

    /// <summary>The fine-tuning settings the user gave.</summary>
    public FineTuneOptions Build(ParseResult parse, DataTask task)
    {
        var mode = parse.GetValue(full) ? FineTuneMode.Full : FineTuneMode.Lora;
        return new FineTuneOptions
        {
            Task = task, Mode = mode, LoraRank = parse.GetValue(rank), LoraAlpha = parse.GetValue(alpha), LoraDropout = parse.GetValue(loraDropout),
            UseRsLora = parse.GetValue(rslora), TargetModules = parse.GetValue(targets) is { Length: > 0 } t ? t : null,
            TargetModulesRegex = parse.GetValue(targetRegex), UnfreezeTopLayers = parse.GetValue(unfreeze),
            UnfreezeEveryEpochs = parse.GetValue(unfreezeEvery), SecondPhaseEpochs = parse.GetValue(secondEpochs), SecondPhaseLearningRate = parse.GetValue(secondLr),
            MultiLabel = parse.GetValue(multiLabel), MaxLength = parse.GetValue(maxLength), Stride = parse.GetValue(stride),
            Pooling = parse.GetValue(pooling), FitHead = parse.GetValue(headFit), ContrastiveEpochs = parse.GetValue(contrastiveEpochs),
            MinimumStepsPerEpoch = parse.GetValue(minSteps),
            Training = new TrainerOptions
            {
                Epochs = parse.GetValue(epochs), LearningRate = parse.GetValue(lr) ?? FineTuneOptions.DefaultLearningRate(mode),
                BatchSize = parse.GetValue(batch), GradientAccumulationSteps = parse.GetValue(accumulate), WarmupRatio = parse.GetValue(warmup),
                WeightDecay = parse.GetValue(decay), MaxGradNorm = parse.GetValue(clip), Patience = parse.GetValue(patience),
                Seed = parse.GetValue(seed), Threads = parse.GetValue(threads), Bf16 = parse.GetValue(bf16),
                GradientCheckpointing = parse.GetValue(gradientCheckpointing),
            },
        };
    }
}
