using System.CommandLine;
using Locus.Atlas.Model;
using Locus.Atlas.Training;

namespace Locus.Cli.Commands;

/// <summary>The LOCUS network-shape and training options shared by <c>atlas train</c> and <c>atlas bench</c>; defaults are <see cref="AtlasTrainingOptions"/>'s.</summary>
internal sealed class AtlasTrainingCliOptions
{
    private static readonly AtlasTrainingOptions Defaults = new();

    // Ranges are checked while parsing (exit 2, the option named), so --max-steps 0 cannot write an untrained atlas.

    public Option<int> Steps { get; } = new Option<int>("--max-steps") { Description = "Maximum optimiser steps per training run.", DefaultValueFactory = _ => Defaults.MaxSteps }.InRange(1, null);
    public Option<int> ModelsPerStep { get; } = new Option<int>("--models-per-step") { Description = "Episodes (training models) per optimiser step.", DefaultValueFactory = _ => Defaults.ModelsPerStep }.InRange(1, null);
    public Option<int> SupportMax { get; } = new Option<int>("--support-max") { Description = "Largest support set per episode.", DefaultValueFactory = _ => Defaults.SupportMax }.InRange(1, null);
    public Option<double> LearningRate { get; } = new Option<double>("--learning-rate") { Description = "AdamW learning rate.", DefaultValueFactory = _ => Defaults.LearningRate }.InRange(0, null, exclusiveMin: true);
    public Option<double> WeightDecay { get; } = new Option<double>("--weight-decay") { Description = "AdamW weight decay.", DefaultValueFactory = _ => Defaults.WeightDecay }.InRange(0, null);
    public Option<double> Mixing { get; } = new Option<double>("--model-mixing") { Description = "Probability that an episode trains on a virtual mixture of two training models (regularises with few models).", DefaultValueFactory = _ => Defaults.ModelMixing }.InRange(0, 1);
    public Option<int> Hidden { get; } = new Option<int>("--hidden-size") { Description = "Token and latent width.", DefaultValueFactory = _ => Defaults.Network.HiddenSize }.InRange(1, null);
    public Option<int> Latents { get; } = new Option<int>("--latents") { Description = "Learned latents per bottleneck block (r).", DefaultValueFactory = _ => Defaults.Network.NumLatents }.InRange(1, null);
    public Option<int> EmbeddingDim { get; } = new Option<int>("--embedding-dim") { Description = "Model embedding dimension d.", DefaultValueFactory = _ => Defaults.Network.EmbeddingDim }.InRange(1, null);
    public Option<int?> FactorDim { get; } = new Option<int?>("--factor-dim") { Description = $"Length of the item-response prior's ability vector, the first values of the embedding (0 = set encoder alone); below --embedding-dim (default: {Defaults.Network.FactorDim}, at most half of --embedding-dim)." }.InRange(0, null);
    public Option<int> PredictorHidden { get; } = new Option<int>("--predictor-hidden") { Description = "Hidden width of the correctness predictor.", DefaultValueFactory = _ => Defaults.Network.PredictorHiddenSize }.InRange(1, null);
    public Option<double> Dropout { get; } = new Option<double>("--dropout") { Description = "Dropout while training.", DefaultValueFactory = _ => Defaults.Network.Dropout }.InRange(0, 0.999);

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
            HiddenSize = parse.GetValue(Hidden), NumLatents = parse.GetValue(Latents), EmbeddingDim = parse.GetValue(EmbeddingDim), FactorDim = parse.GetValue(FactorDim) ?? Math.Min(Defaults.Network.FactorDim, parse.GetValue(EmbeddingDim) / 2),
            PredictorHiddenSize = parse.GetValue(PredictorHidden), Dropout = parse.GetValue(Dropout),
        },
    };
}
