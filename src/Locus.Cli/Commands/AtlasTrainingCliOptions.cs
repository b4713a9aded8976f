using System.CommandLine;
using Locus.Atlas.Model;
using Locus.Atlas.Training;

namespace Locus.Cli.Commands;

/// <summary>The LOCUS network-shape and training options shared by <c>atlas train</c> and <c>atlas bench</c>; defaults are <see cref="AtlasTrainingOptions"/>'s.</summary>
internal sealed class AtlasTrainingCliOptions
{
    private static readonly AtlasTrainingOptions Defaults = new();

    public Option<int> Steps { get; } = new("--max-steps") { Description = "Maximum optimiser steps per training run.", DefaultValueFactory = _ => Defaults.MaxSteps };
    public Option<int> ModelsPerStep { get; } = new("--models-per-step") { Description = "Episodes (training models) per optimiser step.", DefaultValueFactory = _ => Defaults.ModelsPerStep };
    public Option<int> SupportMax { get; } = new("--support-max") { Description = "Largest support set per episode.", DefaultValueFactory = _ => Defaults.SupportMax };
    public Option<double> LearningRate { get; } = new("--learning-rate") { Description = "AdamW learning rate.", DefaultValueFactory = _ => Defaults.LearningRate };
    public Option<double> WeightDecay { get; } = new("--weight-decay") { Description = "AdamW weight decay.", DefaultValueFactory = _ => Defaults.WeightDecay };
    public Option<double> Mixing { get; } = new("--model-mixing") { Description = "Probability that an episode trains on a virtual mixture of two training models (regularises with few models).", DefaultValueFactory = _ => Defaults.ModelMixing };
    public Option<int> Hidden { get; } = new("--hidden-size") { Description = "Token and latent width.", DefaultValueFactory = _ => Defaults.Network.HiddenSize };
    public Option<int> Latents { get; } = new("--latents") { Description = "Learned latents per bottleneck block (r).", DefaultValueFactory = _ => Defaults.Network.NumLatents };
    public Option<int> EmbeddingDim { get; } = new("--embedding-dim") { Description = "Model embedding dimension d.", DefaultValueFactory = _ => Defaults.Network.EmbeddingDim };
    public Option<int> FactorDim { get; } = new("--factor-dim") { Description = "Length of the item-response prior's ability vector, the first values of the embedding (0 = set encoder alone); below --embedding-dim.", DefaultValueFactory = _ => Defaults.Network.FactorDim };
    public Option<int> PredictorHidden { get; } = new("--predictor-hidden") { Description = "Hidden width of the correctness predictor.", DefaultValueFactory = _ => Defaults.Network.PredictorHiddenSize };
    public Option<double> Dropout { get; } = new("--dropout") { Description = "Dropout while training.", DefaultValueFactory = _ => Defaults.Network.Dropout };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Steps, ModelsPerStep, SupportMax, LearningRate, WeightDecay, Mixing, Hidden, Latents, EmbeddingDim, FactorDim, PredictorHidden, Dropout }) command.Options.Add(o);
    }

    /// <summary>The options as parsed, with <paramref name="seed"/>.</summary>
    public AtlasTrainingOptions Read(ParseResult parse, int seed) => new()
    {
        Seed = seed, MaxSteps = parse.GetValue(Steps), ModelsPerStep = parse.GetValue(ModelsPerStep), SupportMax = parse.GetValue(SupportMax),
        LearningRate = parse.GetValue(LearningRate), WeightDecay = parse.GetValue(WeightDecay), ModelMixing = parse.GetValue(Mixing),
        Network = new LocusConfig
        {
            HiddenSize = parse.GetValue(Hidden), NumLatents = parse.GetValue(Latents), EmbeddingDim = parse.GetValue(EmbeddingDim), FactorDim = parse.GetValue(FactorDim),
            PredictorHiddenSize = parse.GetValue(PredictorHidden), Dropout = parse.GetValue(Dropout),
        },
    };
}
