namespace Locus.Training.FineTuning;

/// <summary>One stage of progressive unfreezing: the encoder layers trained in it and its epochs.</summary>
/// <param name="Layers">Module paths of the unfrozen layers, the topmost first.</param>
/// <param name="Epochs">Epochs of the stage.</param>
public sealed record UnfreezeStage(IReadOnlyList<string> Layers, int Epochs);

/// <summary>
/// The second phase of staged training (the article's two-phase regime, after ULMFiT's gradual unfreezing): the top
/// layer is unfrozen first, then one more layer below at each following stage, so the lower, more general layers
/// move last and least.
/// </summary>
public static class ProgressiveUnfreezing
{
    /// <summary>
    /// Plans the stages for <paramref name="layersTopFirst"/>: stage s trains the top s layers. With
    /// <paramref name="epochsPerStage"/> &gt; 0 each stage runs that many epochs; with 0 the
    /// <paramref name="totalEpochs"/> are split evenly, the remainder going to the last (widest) stages.
    /// </summary>
    public static IReadOnlyList<UnfreezeStage> Plan(IReadOnlyList<string> layersTopFirst, int totalEpochs, int epochsPerStage)
    {
        var count = layersTopFirst.Count;
        if (count == 0) return [];
        if (epochsPerStage < 0) throw new LocusException($"epochs per unfreezing stage must be 0 (split evenly) or positive, not {epochsPerStage}");
        if (epochsPerStage == 0 && totalEpochs < count)
            throw new LocusException($"the second phase has {totalEpochs} epoch(s) for {count} unfreezing stages: give at least one epoch per layer");
        return Enumerable.Range(1, count)
            .Select(s => new UnfreezeStage(layersTopFirst.Take(s).ToList(),
                epochsPerStage > 0 ? epochsPerStage : totalEpochs / count + (s > count - totalEpochs % count ? 1 : 0)))
            .ToList();
    }

    /// <summary>Whether parameter <paramref name="name"/> belongs to one of the module paths <paramref name="layers"/>.</summary>
    public static bool IsIn(string name, IEnumerable<string> layers) => layers.Any(l => name.StartsWith(l + ".", StringComparison.Ordinal));
}
