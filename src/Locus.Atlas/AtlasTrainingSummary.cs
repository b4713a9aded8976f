using System.Text.Json.Serialization;

namespace Locus.Atlas;

/// <summary>What a training run did, stored in the atlas manifest.</summary>
public sealed class AtlasTrainingSummary
{
    /// <summary>Random seed.</summary>
    [JsonPropertyName("seed")] public int Seed { get; set; }

    /// <summary>Optimiser steps taken.</summary>
    [JsonPropertyName("steps")] public int Steps { get; set; }

    /// <summary>Step whose weights were kept (best validation loss).</summary>
    [JsonPropertyName("best_step")] public int BestStep { get; set; }

    /// <summary>Best validation BCE, when there was validation data.</summary>
    [JsonPropertyName("best_validation_loss")] public double? BestValidationLoss { get; set; }

    /// <summary>Ability dimensions F of the item-response prior (chosen on validation models when there are any); null without a prior.</summary>
    [JsonPropertyName("prior_factors")] public int? PriorFactors { get; set; }

    /// <summary>How much wider than the training models' spread the prior on a new model's bias is; null without a prior.</summary>
    [JsonPropertyName("prior_bias_variance_factor")] public double? PriorBiasVarianceFactor { get; set; }

    /// <summary>Models trained on.</summary>
    [JsonPropertyName("training_models")] public List<string> TrainingModels { get; set; } = [];

    /// <summary>Models used for early stopping.</summary>
    [JsonPropertyName("validation_models")] public List<string> ValidationModels { get; set; } = [];

    /// <summary>Wall-clock seconds.</summary>
    [JsonPropertyName("seconds")] public double Seconds { get; set; }
}
