using Locus.Synthesis;

namespace Locus.Specialization.Steps;

/// <summary>What <see cref="TrainingSetCombiner.Combine"/> kept and dropped.</summary>
/// <param name="Examples">The training set: seeds first, then the other sources interleaved.</param>
/// <param name="KeptPerSource">Examples kept per source (kebab-case source names).</param>
/// <param name="Duplicates">Dropped because an example of a higher-priority source has the same text.</param>
/// <param name="HeldOut">Dropped because their text is a dev or test text.</param>
/// <param name="OverCap">Dropped to balance labels.</param>
/// <param name="OverCapPerSource">The over-cap drops per source, so that no source loses examples unseen.</param>
public sealed record CombinedTrainingSet(IReadOnlyList<SynthesizedExample> Examples, IReadOnlyDictionary<string, int> KeptPerSource,
    int Duplicates, int HeldOut, int OverCap, IReadOnlyDictionary<string, int> OverCapPerSource);

/// <summary>
/// Merges seeds, synthetic, augmented and pseudo-labelled examples into one training set: duplicates removed across
/// sources (the more trusted source wins: seeds, then LLM output, mention replacement, augmentation, pseudo-labels),
/// held-out texts removed, and generated examples capped per label so that no label drowns the others. The cap is
/// shared fairly: the generated sources are taken in turn, one example from each, so a source that comes later in
/// the priority order still gets its share instead of finding every label's cap filled by the sources before it.
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
        int duplicates = 0, dropped = 0;
        // First pass, in priority order: held-out texts and duplicates go, the more trusted source keeping a text.
        var bySource = new List<Queue<SynthesizedExample>>();
        var seeds = new List<SynthesizedExample>();
        foreach (var group in sources.GroupBy(e => e.Provenance.Source).OrderBy(g => Array.IndexOf(Priority, g.Key)))
        {
            var queue = new Queue<SynthesizedExample>();
            foreach (var example in group)
            {
                var key = TextKey.Of(example.Example.Text);
                if (heldOut.Contains(key)) dropped++;
                else if (!seen.Add(key)) duplicates++;
                else if (group.Key == ExampleSource.Seed) seeds.Add(example);
                else queue.Enqueue(example);
            }
            if (queue.Count > 0) bySource.Add(queue);
        }

        // Second pass: the generated sources in turn, one example each, under the per-label cap.
        var perLabel = new Dictionary<string, int>(StringComparer.Ordinal);
        var kept = new List<SynthesizedExample>(seeds);
        var overCapPerSource = new SortedDictionary<string, int>(StringComparer.Ordinal);
        while (bySource.Any(q => q.Count > 0))
        {
            foreach (var queue in bySource.Where(q => q.Count > 0))
            {
                var example = queue.Dequeue();
                var labels = SeedSplit.LabelsOf(example.Example).DefaultIfEmpty(PseudoLabelSelector.NoLabel).ToList();
                if (labels.Any(l => perLabel.GetValueOrDefault(l) >= maxGeneratedPerLabel))
                {
                    var name = example.Provenance.Source.ToName();
                    overCapPerSource[name] = overCapPerSource.GetValueOrDefault(name) + 1;
                    continue;
                }
                foreach (var label in labels) perLabel[label] = perLabel.GetValueOrDefault(label) + 1;
                kept.Add(example);
            }
        }
        var perSource = new SortedDictionary<string, int>(kept.GroupBy(e => e.Provenance.Source.ToName()).ToDictionary(g => g.Key, g => g.Count()), StringComparer.Ordinal);
        return new CombinedTrainingSet(kept, perSource, duplicates, dropped, overCapPerSource.Values.Sum(), overCapPerSource);
    }
}
