using System.Text.RegularExpressions;
using Locus.Data;

namespace Locus.Synthesis;

/// <summary>Settings of <see cref="EdaAugmenter"/>.</summary>
public sealed class EdaOptions
{
    /// <summary>New texts made from each example at most (alternately by random swap and random deletion).</summary>
    public int AugmentationsPerExample { get; set; } = 4;

    /// <summary>EDA's alpha for random swap: the number of swaps is max(1, round(alpha × words)).</summary>
    public double SwapRate { get; set; } = 0.1;

    /// <summary>EDA's p for random deletion: each word is deleted with this probability (at least one is).</summary>
    public double DeletionProbability { get; set; } = 0.1;

    /// <summary>Seed of the random choices; the same seed and inputs give the same texts.</summary>
    public int Seed { get; set; } = 13;

    /// <summary>
    /// Keep words that spell part of the example's label name (e.g. "card" and "arrival" for <c>card_arrival</c>)
    /// in place, so that augmentation does not remove the evidence for the label.
    /// </summary>
    public bool ProtectLabelWords { get; set; } = true;
}

/// <summary>
/// Model-free augmentation of classification examples with the two operations of EDA (Wei and Zou, 2019) that need
/// no thesaurus: random swap of two words and random deletion of words. The outputs are marked
/// <see cref="ExampleSource.Augmented"/> with generator <c>eda:random-swap</c> or <c>eda:random-deletion</c>: they
/// are perturbed copies, not new language. Texts are split on whitespace and rejoined with single spaces;
/// duplicates (by <see cref="TextKey"/>) of inputs, existing texts or earlier outputs are dropped.
/// </summary>
public sealed class EdaAugmenter
{
    /// <summary>The generator name of random swaps.</summary>
    public const string SwapGenerator = "eda:random-swap";

    /// <summary>The generator name of random deletions.</summary>
    public const string DeletionGenerator = "eda:random-deletion";

    private static readonly Regex NonWordCharacters = new(@"[^\p{L}\p{Nd}]+", RegexOptions.CultureInvariant);

    private readonly EdaOptions _options;

    /// <summary>Creates an augmenter.</summary>
    public EdaAugmenter(EdaOptions? options = null)
    {
        _options = options ?? new EdaOptions();
        if (_options.AugmentationsPerExample < 0) throw new LocusException($"EDA: AugmentationsPerExample may not be negative, got {_options.AugmentationsPerExample}.");
        if (_options.SwapRate is < 0 or > 1 || double.IsNaN(_options.SwapRate)) throw new LocusException($"EDA: SwapRate must be in [0, 1], got {_options.SwapRate}.");
        if (_options.DeletionProbability is < 0 or > 1 || double.IsNaN(_options.DeletionProbability))
            throw new LocusException($"EDA: DeletionProbability must be in [0, 1], got {_options.DeletionProbability}.");
    }

    /// <summary>Augments <paramref name="examples"/>; outputs keep their parent's labels and have ids <c>{parent id}-eda{n}</c>.</summary>
    /// <exception cref="LocusException">An input example is invalid.</exception>
    public IReadOnlyList<SynthesizedExample> Augment(IReadOnlyList<ClassificationExample> examples, IEnumerable<string>? existingTexts = null)
    {
        InputCheck.RequireValid(examples, "example");
        var seen = new HashSet<string>(examples.Select(e => TextKey.Of(e.Text)), StringComparer.Ordinal);
        foreach (var text in existingTexts ?? []) seen.Add(TextKey.Of(text));

        var produced = new List<SynthesizedExample>();
        for (var i = 0; i < examples.Count; i++)
        {
            var example = examples[i];
            var words = example.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var movable = MovablePositions(words, example.Labels);
            if (movable.Count < 2) continue;
            var parentId = SeedIds.Of(example, i);
            var random = new Random(DeterministicSeed.Mix(_options.Seed, i));
            var made = 0;
            for (var n = 0; n < _options.AugmentationsPerExample; n++)
            {
                var swap = n % 2 == 0;
                var text = string.Join(' ', swap ? RandomSwap(words, movable, random) : RandomDeletion(words, movable, random));
                if (!seen.Add(TextKey.Of(text))) continue;
                made++;
                var augmented = example.IsMultiLabel ? new ClassificationExample(text, example.Labels) : new ClassificationExample(text, example.Label);
                produced.Add(new SynthesizedExample(augmented with { Id = $"{parentId}-eda{made}" },
                    new ExampleProvenance(ExampleSource.Augmented, swap ? SwapGenerator : DeletionGenerator, ParentId: parentId)));
            }
        }
        return produced;
    }

    private List<int> MovablePositions(string[] words, IReadOnlyList<string> labels)
    {
        var protectedWords = _options.ProtectLabelWords
            ? labels.SelectMany(l => NonWordCharacters.Split(l)).Where(w => w.Length > 0).Select(w => w.ToLowerInvariant()).ToHashSet()
            : [];
        return Enumerable.Range(0, words.Length).Where(i => !protectedWords.Contains(Core(words[i]))).ToList();
    }

    // The word without surrounding punctuation, lower-cased: "Card?" -> "card".
    private static string Core(string word) => new string(word.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();

    private string[] RandomSwap(string[] words, List<int> movable, Random random)
    {
        var result = (string[])words.Clone();
        var swaps = Math.Max(1, (int)Math.Round(_options.SwapRate * words.Length));
        for (var s = 0; s < swaps; s++)
        {
            var a = movable[random.Next(movable.Count)];
            var b = movable[random.Next(movable.Count - 1)];
            if (b == a) b = movable[^1]; // draw from the others without a retry loop
            (result[a], result[b]) = (result[b], result[a]);
        }
        return result;
    }

    private string[] RandomDeletion(string[] words, List<int> movable, Random random)
    {
        var deleted = movable.Where(_ => random.NextDouble() < _options.DeletionProbability).ToHashSet();
        if (deleted.Count == 0 || deleted.Count == movable.Count && movable.Count == words.Length)
            deleted = [movable[random.Next(movable.Count)]];
        return words.Where((_, i) => !deleted.Contains(i)).ToArray();
    }
}
