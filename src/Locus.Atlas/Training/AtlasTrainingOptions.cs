using Locus.Atlas.Model;

namespace Locus.Atlas.Training;

/// <summary>How to train an atlas by episodes.</summary>
public sealed class AtlasTrainingOptions
{
    /// <summary>Seeds weight initialisation and episode sampling; the same seed and data give the same atlas.</summary>
    public int Seed { get; set; }

    /// <summary>Network shape; <see cref="LocusConfig.QueryDim"/> is overwritten with the encoder's dimension.</summary>
    public LocusConfig Network { get; set; } = new();

    /// <summary>Maximum optimiser steps.</summary>
    public int MaxSteps { get; set; } = 1500;

    /// <summary>Episodes (training models) per step.</summary>
    public int ModelsPerStep { get; set; } = 8;

    /// <summary>Smallest support set (evaluations encoded per episode).</summary>
    public int SupportMin { get; set; } = 16;

    /// <summary>Largest support set; one size per step is drawn log-uniformly between the bounds (shared by the step's episodes, so nothing is padded).</summary>
    public int SupportMax { get; set; } = 1024;

    /// <summary>
    /// Probability that an episode's model is a virtual mixture of two training models (each query answered by one
    /// or the other, mixing weight uniform in [0, 1]); with few training models this keeps the network from
    /// memorising them (0 = off).
    /// </summary>
    public double ModelMixing { get; set; }

    /// <summary>Held-out queries of the same model scored per episode.</summary>
    public int TargetsPerEpisode { get; set; } = 256;

    /// <summary>AdamW learning rate.</summary>
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>AdamW weight decay.</summary>
    public double WeightDecay { get; set; } = 1e-2;

    /// <summary>Gradient-norm clipping threshold.</summary>
    public double GradientClip { get; set; } = 1.0;

    /// <summary>Validate every this many steps.</summary>
    public int EvaluateEvery { get; set; } = 50;

    /// <summary>Stop after this many validations without improvement.</summary>
    public int Patience { get; set; } = 6;

    /// <summary>
    /// Choose the prior's ability dimensions (up to <see cref="LocusConfig.FactorDim"/>) and bias prior on the validation
    /// models; without validation models, or when off, the prior has FactorDim dimensions and <see cref="DefaultBiasVarianceFactor"/>.
    /// </summary>
    public bool SelectPrior { get; set; } = true;

    /// <summary>
    /// Bias prior width without a validated choice: 100 × the training models' spread, nearly free, because a new model's
    /// overall strength is what training models predict worst when new models are stronger than all of them.
    /// </summary>
    public const double DefaultBiasVarianceFactor = 100;

    /// <summary>Support size used for validation models.</summary>
    public int ValidationSupport { get; set; } = 256;

    /// <summary>A copy with <see cref="MaxSteps"/> replaced (the network shape is shared).</summary>
    public AtlasTrainingOptions WithMaxSteps(int maxSteps)
    {
        var copy = (AtlasTrainingOptions)MemberwiseClone();
        copy.MaxSteps = maxSteps;
        return copy;
    }

    /// <summary>A copy with <see cref="Seed"/> replaced (the network shape is shared).</summary>
    public AtlasTrainingOptions WithSeed(int seed)
    {
        var copy = (AtlasTrainingOptions)MemberwiseClone();
        copy.Seed = seed;
        return copy;
    }
}

/// <summary>Which models and queries training may use.</summary>
/// <param name="TrainingModels">Models whose episodes train the network.</param>
/// <param name="ValidationModels">Held-out models for early stopping (embedded from training queries, scored on validation queries); when empty, training runs all its steps.</param>
/// <param name="TrainingQueries">Queries usable as support and targets.</param>
/// <param name="ValidationQueries">Queries scored for early stopping; when empty, early stopping is off.</param>
public sealed record AtlasTrainingSplit(IReadOnlyList<string> TrainingModels, IReadOnlyList<string> ValidationModels, IReadOnlyList<string> TrainingQueries, IReadOnlyList<string> ValidationQueries);

/// <summary>Progress report, one per validation.</summary>
/// <param name="Step">Optimiser steps done.</param>
/// <param name="TrainingLoss">Mean training BCE since the last report.</param>
/// <param name="ValidationLoss">Validation BCE (null without validation data).</param>
/// <param name="BestStep">Step of the best validation loss so far.</param>
public sealed record AtlasTrainingProgress(int Step, double TrainingLoss, double? ValidationLoss, int BestStep);
