using System.Text;
using Locus.Data;

namespace Locus.Synthesis;

/// <summary>Settings of <see cref="MentionReplacementGenerator"/>.</summary>
public sealed class MentionReplacementOptions
{
    /// <summary>New examples made from one seed at most.</summary>
    public int MaxPerSeed { get; set; } = 5;

    /// <summary>Chance that each mention of a seed is replaced in a new example (at least one always is).</summary>
    public double ReplacementProbability { get; set; } = 0.5;

    /// <summary>Seed of the random choices; the same seed and inputs give the same examples.</summary>
    public int Seed { get; set; } = 13;

    /// <summary>Tries per seed before giving up on reaching <see cref="MaxPerSeed"/> (duplicates and no-op draws use tries).</summary>
    public int MaxAttemptsPerSeed { get; set; } = 25;
}

/// <summary>
/// Mention replacement (Dai and Adel, 2020): a new NER example is a seed in which entity mentions are replaced by
/// other mentions of the same type, taken from the seeds and from any extra labelled sentences (for instance
/// pseudo-labelled ones). Later spans are shifted by the change in length, so all offsets stay exact. New texts
/// that duplicate a seed, an existing text or an earlier output (by <see cref="TextKey"/>) are dropped.
/// </summary>
public sealed class MentionReplacementGenerator
{
    /// <summary>The generator name written to provenance.</summary>
    public const string GeneratorName = "mention-replacement";

    private readonly MentionReplacementOptions _options;

    /// <summary>Creates a generator.</summary>
    public MentionReplacementGenerator(MentionReplacementOptions? options = null)
    {
        _options = options ?? new MentionReplacementOptions();
        if (_options.MaxPerSeed < 0) throw new LocusException($"Mention replacement: MaxPerSeed may not be negative, got {_options.MaxPerSeed}.");
        if (_options.ReplacementProbability is < 0 or > 1 || double.IsNaN(_options.ReplacementProbability))
            throw new LocusException($"Mention replacement: ReplacementProbability must be in [0, 1], got {_options.ReplacementProbability}.");
        if (_options.MaxAttemptsPerSeed < _options.MaxPerSeed)
            throw new LocusException($"Mention replacement: MaxAttemptsPerSeed ({_options.MaxAttemptsPerSeed}) is below MaxPerSeed ({_options.MaxPerSeed}).");
    }

    /// <summary>Makes new examples from <paramref name="seeds"/>.</summary>
    /// <param name="seeds">The examples to rewrite; their mentions also fill the pool.</param>
    /// <param name="extraMentionSources">More labelled sentences whose mentions join the pool (they are not rewritten).</param>
    /// <param name="existingTexts">Texts already in the data set, which outputs must not duplicate.</param>
    /// <returns>The new examples, seed by seed; ids are <c>{seed id}-mr{n}</c>.</returns>
    /// <exception cref="LocusException">A seed or extra sentence has invalid spans.</exception>
    public IReadOnlyList<SynthesizedExample> Generate(IReadOnlyList<NerExample> seeds, IReadOnlyList<NerExample>? extraMentionSources = null,
        IEnumerable<string>? existingTexts = null)
    {
        InputCheck.RequireValid(seeds, "seed");
        InputCheck.RequireValid(extraMentionSources ?? [], "mention source");
        var pool = BuildPool(seeds.Concat(extraMentionSources ?? []));
        var seen = new HashSet<string>(seeds.Select(s => TextKey.Of(s.Text)), StringComparer.Ordinal);
        foreach (var text in existingTexts ?? []) seen.Add(TextKey.Of(text));

        var produced = new List<SynthesizedExample>();
        for (var i = 0; i < seeds.Count; i++)
        {
            var seed = seeds[i];
            var spans = seed.Spans.OrderBy(s => s.Start).ToList();
            if (spans.Count == 0) continue;
            var seedId = SeedIds.Of(seed, i);
            var random = new Random(DeterministicSeed.Mix(_options.Seed, i));
            var made = 0;
            for (var attempt = 0; attempt < _options.MaxAttemptsPerSeed && made < _options.MaxPerSeed; attempt++)
            {
                var variant = Rewrite(seed, spans, pool, random);
                if (variant is null || !seen.Add(TextKey.Of(variant.Text))) continue;
                made++;
                produced.Add(new SynthesizedExample(variant with { Id = $"{seedId}-mr{made}" },
                    new ExampleProvenance(ExampleSource.SyntheticMentionReplacement, GeneratorName, ParentId: seedId)));
            }
        }
        return produced;
    }

    // Distinct surfaces per label, in ordinal order so that draws do not depend on input order within a label.
    private static Dictionary<string, string[]> BuildPool(IEnumerable<NerExample> sources) =>
        sources.SelectMany(e => e.Spans.Select(s => (s.Label, Surface: e.SpanText(s))))
            .GroupBy(m => m.Label, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(m => m.Surface).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);

    // Null when the draw changed nothing (no alternative mention for the chosen spans).
    private NerExample? Rewrite(NerExample seed, List<EntitySpan> spans, Dictionary<string, string[]> pool, Random random)
    {
        var replace = spans.Select(_ => random.NextDouble() < _options.ReplacementProbability).ToArray();
        if (!replace.Contains(true)) replace[random.Next(spans.Count)] = true;

        var text = new StringBuilder(seed.Text.Length + 16);
        var newSpans = new List<EntitySpan>(spans.Count);
        var changed = false;
        var copiedUpTo = 0;
        for (var k = 0; k < spans.Count; k++)
        {
            var span = spans[k];
            var surface = seed.SpanText(span);
            if (replace[k])
            {
                var alternatives = pool[span.Label].Where(m => m != surface).ToArray();
                if (alternatives.Length > 0)
                {
                    surface = alternatives[random.Next(alternatives.Length)];
                    changed = true;
                }
            }
            text.Append(seed.Text, copiedUpTo, span.Start - copiedUpTo);
            newSpans.Add(new EntitySpan(text.Length, text.Length + surface.Length, span.Label));
            text.Append(surface);
            copiedUpTo = span.End;
        }
        text.Append(seed.Text, copiedUpTo, seed.Text.Length - copiedUpTo);
        return changed ? new NerExample(text.ToString(), newSpans) : null;
    }
}
