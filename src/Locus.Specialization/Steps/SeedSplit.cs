using Locus.Data;

namespace Locus.Specialization.Steps;

/// <summary>The seeds divided into the examples trained on and the held-out dev set that selects models.</summary>
/// <param name="Train">Seeds to train on (and to rewrite, retrieve for and prompt with).</param>
/// <param name="Dev">Held-out seeds: early stopping, model selection and the dev score; never trained on.</param>
public sealed record SeedSplit(IReadOnlyList<Example> Train, IReadOnlyList<Example> Dev)
{
    /// <summary>
    /// Holds out about <paramref name="fraction"/> of the seeds, stratified by label so that every label with two or
    /// more seeds keeps at least one on each side. An NER seed is grouped under its rarest entity type (sentences
    /// without entities under their own group); a classification seed under its first label.
    /// </summary>
    /// <exception cref="LocusException">Fewer than two seeds, or a fraction outside (0, 1).</exception>
    public static SeedSplit Stratified(IReadOnlyList<Example> seeds, double fraction, int seed)
    {
        if (fraction is <= 0 or >= 1 || double.IsNaN(fraction)) throw new LocusException($"the dev fraction must be between 0 and 1 (exclusive), got {fraction}");
        if (seeds.Count < 2) throw new LocusException($"only {seeds.Count} seed example(s): at least two are needed, one to train on and one to select the model with");
        var frequency = seeds.SelectMany(LabelsOf).GroupBy(l => l, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        string Group(Example e) => LabelsOf(e).OrderBy(l => frequency[l]).ThenBy(l => l, StringComparer.Ordinal).FirstOrDefault() ?? "";

        var random = new Random(seed);
        var train = new List<int>();
        var dev = new List<int>();
        foreach (var group in Enumerable.Range(0, seeds.Count).GroupBy(i => Group(seeds[i])).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var members = group.ToArray();
            random.Shuffle(members);
            var held = members.Length < 2 ? 0 : Math.Clamp((int)Math.Round(members.Length * fraction), 1, members.Length - 1);
            dev.AddRange(members[..held]);
            train.AddRange(members[held..]);
        }
        if (dev.Count == 0) (train, dev) = (train[1..], train[..1]);
        return new SeedSplit(train.Order().Select(i => seeds[i]).ToList(), dev.Order().Select(i => seeds[i]).ToList());
    }

    /// <summary>The labels an example carries: entity types of an NER example, classes of a classification example.</summary>
    public static IEnumerable<string> LabelsOf(Example example) => example switch
    {
        NerExample ner => ner.Spans.Select(s => s.Label).Distinct(StringComparer.Ordinal),
        ClassificationExample classification => classification.Labels,
        _ => [],
    };
}
