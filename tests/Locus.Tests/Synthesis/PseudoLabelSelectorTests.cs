using Locus.Data;
using Locus.Synthesis;
using static Locus.Tests.Synthesis.SynthesisFixtures;

namespace Locus.Tests.Synthesis;

public sealed class PseudoLabelSelectorTests
{
    private static PseudoLabelledCandidate Tc(string id, string text, string label, double confidence) =>
        new(new ClassificationExample(text, label) { Id = id }, confidence);

    [Fact]
    public void KeepsConfidentCandidatesMostConfidentFirstWithinTheCaps()
    {
        PseudoLabelledCandidate[] candidates =
        [
            Tc("a", "where is my card", "arrival", 0.99),
            Tc("b", "card not here yet", "arrival", 0.95),
            Tc("c", "still waiting for the card", "arrival", 0.93),
            Tc("d", "my card was stolen", "stolen", 0.91),
            Tc("e", "hello there", "stolen", 0.50),
            Tc("f", "Where is  my CARD", "stolen", 0.97),
            Tc("g", "lost my wallet", "stolen", 0.92),
        ];

        var selection = PseudoLabelSelector.Select(candidates, new PseudoLabelOptions { Threshold = 0.9, MaxPerLabel = 2, Generator = "self-training:1" },
            existingTexts: ["LOST my wallet"]);

        // By confidence: a keep, f duplicate of a, b keep, c over the cap of 'arrival', g duplicate of an existing text, d keep, e below.
        Assert.Equal(["a", "b", "d"], selection.Kept.Select(k => k.Example.Id));
        Assert.Equal(7, selection.Candidates);
        Assert.Equal(1, selection.BelowThreshold);
        Assert.Equal(2, selection.Duplicates);
        Assert.Equal(1, selection.OverCap);
        Assert.Equal(0, selection.Invalid);
        Assert.Equal(new Dictionary<string, int> { ["arrival"] = 2, ["stolen"] = 1 }, selection.KeptPerLabel);
        Assert.Equal(new ExampleProvenance(ExampleSource.PseudoLabelled, "self-training:1", ParentId: "a"), selection.Kept[0].Provenance);
    }

    [Fact]
    public void NerCandidatesCountForEachEntityTypeAndSentencesWithoutEntitiesHaveTheirOwnBucket()
    {
        PseudoLabelledCandidate[] candidates =
        [
            new(Ner("Alice visited Rome.", ("Alice", "PER"), ("Rome", "LOC")), 0.99),
            new(Ner("Bob stayed home.", ("Bob", "PER")), 0.98),
            new(Ner("Nothing happened today."), 0.97),
            new(Ner("It rained all day."), 0.96),
            new(new NerExample("Carol met Dan.", [new EntitySpan(0, 5, "PER"), new EntitySpan(2, 9, "PER")]), 0.95),
        ];

        var selection = PseudoLabelSelector.Select(candidates, new PseudoLabelOptions { Threshold = 0.9, MaxPerLabel = 1 });

        Assert.Equal(["Alice visited Rome.", "Nothing happened today."], selection.Kept.Select(k => k.Example.Text));
        Assert.Equal(new Dictionary<string, int> { ["PER"] = 1, ["LOC"] = 1, [PseudoLabelSelector.NoLabel] = 1 }, selection.KeptPerLabel);
        Assert.Equal(2, selection.OverCap);
        Assert.Equal(1, selection.Invalid);
    }

    [Fact]
    public void RefusesNaNConfidences()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PseudoLabelSelector.Select([Tc("x", "t", "l", double.NaN)]));
    }
}
