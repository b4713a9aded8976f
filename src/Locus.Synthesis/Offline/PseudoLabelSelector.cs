using Locus.Data;

namespace Locus.Synthesis;

/// <summary>A sentence labelled by a model, with the model's confidence in that labelling (0 to 1).</summary>
/// <param name="Example">The pseudo-labelled example.</param>
/// <param name="Confidence">
/// The model's confidence, e.g. the top class probability for classification or the minimum (or mean) entity
/// probability for NER; how it is computed is the caller's choice.
/// </param>
public sealed record PseudoLabelledCandidate(Example Example, double Confidence);

/// <summary>Settings of <see cref="PseudoLabelSelector"/>.</summary>
public sealed class PseudoLabelOptions
{
    /// <summary>Candidates with a confidence below this are dropped.</summary>
    public double Threshold { get; set; } = 0.9;

    /// <summary>
    /// Most examples kept per label, for balance; null for no cap. A candidate counts for every label it carries
    /// (each entity type of an NER example; <see cref="PseudoLabelSelector.NoLabel"/> when it carries none) and is
    /// kept only while all of them are under the cap.
    /// </summary>
    public int? MaxPerLabel { get; set; }

    /// <summary>The generator name written to provenance, e.g. <c>self-training:round-1</c>.</summary>
    public string Generator { get; set; } = "self-training";
}

/// <summary>What <see cref="PseudoLabelSelector.Select"/> kept and dropped.</summary>
/// <param name="Kept">The kept examples, most confident first, marked <see cref="ExampleSource.PseudoLabelled"/>.</param>
/// <param name="Candidates">Candidates considered.</param>
/// <param name="Invalid">Dropped because the example itself is invalid (e.g. overlapping spans).</param>
/// <param name="BelowThreshold">Dropped for low confidence.</param>
/// <param name="Duplicates">Dropped as duplicates of existing texts or of a more confident candidate.</param>
/// <param name="OverCap">Dropped because a label had reached its cap.</param>
/// <param name="KeptPerLabel">Kept examples per label (an example counts once for each label it carries).</param>
public sealed record PseudoLabelSelection(
    IReadOnlyList<SynthesizedExample> Kept,
    int Candidates,
    int Invalid,
    int BelowThreshold,
    int Duplicates,
    int OverCap,
    IReadOnlyDictionary<string, int> KeptPerLabel);

/// <summary>
/// The model-independent half of self-training: from sentences that the current model labelled, keep the
/// confident ones, most confident first, with a per-label cap so that frequent labels do not crowd out rare ones.
/// </summary>
public static class PseudoLabelSelector
{
    /// <summary>The label bucket of candidates that carry no label (NER sentences without entities).</summary>
    public const string NoLabel = "(none)";

    /// <summary>Selects candidates; ties in confidence keep input order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A confidence is NaN, or the options are out of range.</exception>
    public static PseudoLabelSelection Select(IEnumerable<PseudoLabelledCandidate> candidates, PseudoLabelOptions? options = null,
        IEnumerable<string>? existingTexts = null)
    {
        options ??= new PseudoLabelOptions();
        if (options.MaxPerLabel is < 0) throw new ArgumentOutOfRangeException(nameof(options), $"MaxPerLabel may not be negative, got {options.MaxPerLabel}.");
        var list = candidates.ToList();
        if (list.FirstOrDefault(c => double.IsNaN(c.Confidence)) is { } nan)
            throw new ArgumentOutOfRangeException(nameof(candidates), $"Candidate '{nan.Example.Id ?? nan.Example.Text}' has a NaN confidence.");

        var seen = new HashSet<string>((existingTexts ?? []).Select(TextKey.Of), StringComparer.Ordinal);
        var perLabel = new Dictionary<string, int>(StringComparer.Ordinal);
        var kept = new List<SynthesizedExample>();
        int invalid = 0, below = 0, duplicates = 0, overCap = 0;
        foreach (var candidate in list.OrderByDescending(c => c.Confidence))
        {
            if (candidate.Confidence < options.Threshold)
            {
                below++;
                continue;
            }
            if (!new ExampleValidator(new ValidationReport()).Check(new DataRecord(candidate.Example, "pseudo-labelled", 0)))
            {
                invalid++;
                continue;
            }
            var labels = LabelsOf(candidate.Example);
            if (options.MaxPerLabel is { } cap && labels.Any(l => perLabel.GetValueOrDefault(l) >= cap))
            {
                overCap++;
                continue;
            }
            if (!seen.Add(TextKey.Of(candidate.Example.Text)))
            {
                duplicates++;
                continue;
            }
            foreach (var label in labels) perLabel[label] = perLabel.GetValueOrDefault(label) + 1;
            kept.Add(new SynthesizedExample(candidate.Example,
                new ExampleProvenance(ExampleSource.PseudoLabelled, options.Generator, ParentId: candidate.Example.Id)));
        }
        return new PseudoLabelSelection(kept, list.Count, invalid, below, duplicates, overCap, perLabel);
    }

    private static IReadOnlyList<string> LabelsOf(Example example)
    {
        var labels = example switch
        {
            NerExample ner => ner.Spans.Select(s => s.Label).Distinct(StringComparer.Ordinal).ToList(),
            ClassificationExample classification => classification.Labels.Distinct(StringComparer.Ordinal).ToList(),
            _ => throw new ArgumentException($"Unknown example type {example.GetType().Name}."),
        };
        return labels.Count == 0 ? [NoLabel] : labels;
    }
}
