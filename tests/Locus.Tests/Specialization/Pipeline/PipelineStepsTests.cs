using Locus.Data;
using Locus.Specialization.Steps;
using Locus.Synthesis;
using Locus.Tests.TestSupport;

namespace Locus.Tests.Specialization.Pipeline;

public sealed class PipelineStepsTests
{
    static ClassificationExample Tc(string text, string label) => new(text, label);

    [Fact]
    public void SeedSplitHoldsOutAFifthOfEveryLabelAndKeepsTheOrder()
    {
        var seeds = Enumerable.Range(0, 30).Select(i => (Example)Tc($"text {i}", $"label{i % 3}")).Append(Tc("lonely", "rare")).ToList();

        var split = SeedSplit.Stratified(seeds, 0.2, seed: 1);

        Assert.Equal(6, split.Dev.Count);
        Assert.All(new[] { "label0", "label1", "label2" }, label => Assert.Equal(2, split.Dev.Count(e => ((ClassificationExample)e).Label == label)));
        Assert.Contains(split.Train, e => ((ClassificationExample)e).Label == "rare"); // a single seed is trained on, never only held out
        Assert.Equal(seeds.Count, split.Train.Count + split.Dev.Count);
        Assert.Empty(split.Train.Intersect(split.Dev));
        Assert.Equal(split.Train.OrderBy(e => seeds.IndexOf(e)), split.Train);
        Assert.Equal(split.Dev, SeedSplit.Stratified(seeds, 0.2, seed: 1).Dev);
        Assert.NotEqual(split.Dev, SeedSplit.Stratified(seeds, 0.2, seed: 2).Dev);
    }

    [Fact]
    public void SeedSplitGroupsNerSeedsByTheirRarestType()
    {
        var seeds = Enumerable.Range(0, 10).Select(i => (Example)new NerExample($"Person{i} in Town{i}", [new(0, 7, "PER"), new(11, 16, "LOC")]))
            .Concat(Enumerable.Range(0, 5).Select(i => (Example)new NerExample($"Org{i} hired", [new(0, 4, "ORG")]))).ToList();

        var split = SeedSplit.Stratified(seeds, 0.2, seed: 3);

        Assert.Equal(1, split.Dev.Count(e => ((NerExample)e).Spans.Any(s => s.Label == "ORG")));
        Assert.Equal(2, split.Dev.Count(e => ((NerExample)e).Spans.Any(s => s.Label == "PER")));
    }

    [Theory]
    [InlineData(1, 0.2)]
    [InlineData(10, 0)]
    [InlineData(10, 1)]
    public void SeedSplitRejectsWhatCannotBeSplit(int count, double fraction)
    {
        var seeds = Enumerable.Range(0, count).Select(i => (Example)Tc($"t{i}", "a")).ToList();
        Assert.Throws<LocusException>(() => SeedSplit.Stratified(seeds, fraction, 0));
    }

    static SynthesizedExample From(ExampleSource source, string text, string label) => new(Tc(text, label), new ExampleProvenance(source, source.ToName()));

    [Fact]
    public void CombinerPrefersTrustedSourcesDropsHeldOutTextsAndCapsGeneratedExamplesPerLabel()
    {
        SynthesizedExample[] sources =
        [
            From(ExampleSource.PseudoLabelled, "My card is lost", "lost"), // same text as a seed, less trusted
            From(ExampleSource.PseudoLabelled, "where is my card", "arrival"),
            From(ExampleSource.Augmented, "card lost again", "lost"),
            From(ExampleSource.Augmented, "lost it yesterday", "lost"),
            From(ExampleSource.Augmented, "lost my wallet", "lost"), // third generated "lost": over the cap of 2
            From(ExampleSource.SyntheticLlm, "Is the card coming soon?", "arrival"),
            From(ExampleSource.SyntheticLlm, "When does it arrive", "arrival"), // a test text
            From(ExampleSource.Seed, "my  card is LOST", "lost"),
            From(ExampleSource.Seed, "s1", "arrival"), From(ExampleSource.Seed, "s2", "arrival"), From(ExampleSource.Seed, "s3", "arrival"),
        ];

        var combined = TrainingSetCombiner.Combine(sources, heldOutTexts: ["when does it  arrive"], maxGeneratedPerLabel: 2);

        // Seeds, then the generated sources in turn (LLM, augmentation, pseudo-labels, then augmentation again).
        Assert.Equal(["my  card is LOST", "s1", "s2", "s3", "Is the card coming soon?", "card lost again", "where is my card", "lost it yesterday"],
            combined.Examples.Select(e => e.Example.Text));
        Assert.Equal(1, combined.Duplicates);
        Assert.Equal(1, combined.HeldOut);
        Assert.Equal(1, combined.OverCap);
        Assert.Equal(new Dictionary<string, int> { ["augmented"] = 2, ["pseudo-labelled"] = 1, ["seed"] = 4, ["synthetic-llm"] = 1 }, combined.KeptPerSource);
    }

    [Fact]
    public void CombinerSharesTheCapSoNoSourceIsEmptied()
    {
        var augmented = Enumerable.Range(0, 10).Select(i => From(ExampleSource.Augmented, $"augmented {i}", "lost"));
        var pseudo = Enumerable.Range(0, 3).Select(i => From(ExampleSource.PseudoLabelled, $"pseudo {i}", "lost"));
        var combined = TrainingSetCombiner.Combine([From(ExampleSource.Seed, "seed", "lost"), .. augmented, .. pseudo], [], maxGeneratedPerLabel: 4);

        Assert.Equal(new Dictionary<string, int> { ["augmented"] = 2, ["pseudo-labelled"] = 2, ["seed"] = 1 }, combined.KeptPerSource);
        Assert.Equal(new Dictionary<string, int> { ["augmented"] = 8, ["pseudo-labelled"] = 1 }, combined.OverCapPerSource);
        Assert.Equal(9, combined.OverCap);
    }

    [Fact]
    public async Task ExampleFilesKeepProvenanceAndOtherFields()
    {
        using var dir = new TempDir();
        var path = dir.File("x.jsonl");
        var extra = new Dictionary<string, System.Text.Json.JsonElement> { ["note"] = System.Text.Json.JsonSerializer.SerializeToElement("kept") };
        SynthesizedExample[] examples =
        [
            new(new NerExample("Ada met Bob", [new(0, 3, "PER"), new(8, 11, "PER")]) { Id = "s1", Extra = extra }, ExampleProvenance.ForSeed()),
            new(new NerExample("Cy met Bob", [new(0, 2, "PER"), new(7, 10, "PER")]) { Id = "s1-mr1" }, new ExampleProvenance(ExampleSource.SyntheticMentionReplacement, "mention-replacement", ParentId: "s1")),
            new(new NerExample("Dee left", [new(0, 3, "PER")]) { Id = "corpus.txt:7" }, new ExampleProvenance(ExampleSource.PseudoLabelled, "self-training:round-2", Round: 2)),
        ];

        await ExampleFiles.WriteAsync(path, examples, default);
        var read = await ExampleFiles.ReadAsync(path, DataTask.Ner, default);

        Assert.Equal(examples.Select(e => e.Provenance), read.Select(e => e.Provenance));
        Assert.Equal(examples.Select(e => (e.Example.Id, e.Example.Text)), read.Select(e => (e.Example.Id, e.Example.Text)));
        Assert.Equal(examples.Select(e => ((NerExample)e.Example).Spans), read.Select(e => ((NerExample)e.Example).Spans), new SpansComparer());
        Assert.Equal("kept", read[0].Example.Extra!["note"].GetString());
        Assert.Null(read[1].Example.Extra);
    }

    sealed class SpansComparer : IEqualityComparer<IReadOnlyList<EntitySpan>>
    {
        public bool Equals(IReadOnlyList<EntitySpan>? x, IReadOnlyList<EntitySpan>? y) => x!.SequenceEqual(y!);
        public int GetHashCode(IReadOnlyList<EntitySpan> obj) => obj.Count;
    }
}
