using Locus.Synthesis;

namespace Locus.Specialization.Steps;

/// <summary>What <see cref="TrainingSetCombiner.Combine"/> kept and dropped.</summary>
/// <param name="Examples">The training set: seeds first, then the other sources in priority order.</param>
/// <param name="KeptPerSource">Examples kept per source (kebab-case source names).</param>
/// <param name="Duplicates">Dropped because an example of a higher-priority source has the same text.</param>
/// <param name="HeldOut">Dropped because their text is a dev or test text.</param>
/// <param name="OverCap">Dropped to balance labels.</param>
public sealed record CombinedTrainingSet(IReadOnlyList<SynthesizedExample> Examples, IReadOnlyDictionary<string, int> KeptPerSource,
    int Duplicates, int HeldOut, int OverCap);

/// <summary>
/// Merges seeds, synthetic, augmented and pseudo-labelled examples into one training set: duplicates removed across
/// sources (the more trusted source wins: seeds, then LLM output, mention replacement, augmentation, pseudo-labels),
/// held-out texts removed, and generated examples capped per label so that no label drowns the others.
/// </summary>
public static class TrainingSetCombiner
{
    private static readonly ExampleSource[] Priority =
        [ExampleSource.Seed, ExampleSource.SyntheticLlm, ExampleSource.SyntheticMentionReplacement, ExampleSource.Augmented, ExampleSource.PseudoLabelled];

    /// <summary>Combines <paramref name="sources"/>.</summary>
    /// <param name="sources">Every candidate example with its provenance.</param>
    /// <param name="heldOutTexts">Dev and test texts, which must not be trained on.</param>
    /// <param name="maxGeneratedPerLabel">Most non-seed examples per label; an example counts for each label it carries and is kept only while all are under the cap.</param>
    public static CombinedTrainingSet Combine(IEnumerable<SynthesizedExample> sources, IEnumerable<string> heldOutTexts, int maxGeneratedPerLabel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxGeneratedPerLabel);
        var heldOut = heldOutTexts.Select(TextKey.Of).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var perLabel = new Dictionary<string, int>(StringComparer.Ordinal);
        var kept = new List<SynthesizedExample>();
        var perSource = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int duplicates = 0, dropped = 0, overCap = 0;
        foreach (var example in sources.OrderBy(e => Array.IndexOf(Priority, e.Provenance.Source)))
        {
            var key = TextKey.Of(example.Example.Text);
            var isSeed = example.Provenance.Source == ExampleSource.Seed;
            if (heldOut.Contains(key))
            {
                dropped++;
                continue;
            }
            if (!seen.Add(key))
            {
                duplicates++;
                continue;
            }
            var labels = SeedSplit.LabelsOf(example.Example).DefaultIfEmpty(PseudoLabelSelector.NoLabel).ToList();
            if (!isSeed && labels.Any(l => perLabel.GetValueOrDefault(l) >= maxGeneratedPerLabel))
            {
                overCap++;
                seen.Remove(key);
                continue;
            }
            if (!isSeed) foreach (var label in labels) perLabel[label] = perLabel.GetValueOrDefault(label) + 1;
            kept.Add(example);
            var name = example.Provenance.Source.ToName();
            perSource[name] = perSource.GetValueOrDefault(name) + 1;
        }
        return new CombinedTrainingSet(kept, perSource, duplicates, dropped, overCap);
    }
}
