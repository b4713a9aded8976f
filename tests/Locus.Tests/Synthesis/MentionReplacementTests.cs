using Locus.Data;
using Locus.Synthesis;
using Locus.Tests.Data;
using static Locus.Tests.Synthesis.SynthesisFixtures;

namespace Locus.Tests.Synthesis;

public sealed class MentionReplacementTests
{
    private static MentionReplacementGenerator Generator(int maxPerSeed = 10, double probability = 1.0, int seed = 13) =>
        new(new MentionReplacementOptions { MaxPerSeed = maxPerSeed, ReplacementProbability = probability, Seed = seed });

    private static async Task<List<NerExample>> Sample(string name) =>
        await DatasetReader.ReadAsync(DataTestFiles.Sample(name)).Select(r => (NerExample)r.Example).ToListAsync();

    [Fact]
    public void ReplacesEveryMentionWithAnotherOfTheSameTypeAndShiftsOffsets()
    {
        NerExample[] seeds =
        [
            Ner("Alice met Bob in Paris.", ("Alice", "PER"), ("Bob", "PER"), ("Paris", "LOC")),
            Ner("Carol flew to Rome.", ("Carol", "PER"), ("Rome", "LOC")),
        ];

        var produced = Generator().Generate(seeds);

        // With probability 1 every mention changes: the pool is PER {Alice, Bob, Carol} and LOC {Paris, Rome}.
        var expected = new Dictionary<string, EntitySpan[]>
        {
            ["Bob met Alice in Rome."] = [new(0, 3, "PER"), new(8, 13, "PER"), new(17, 21, "LOC")],
            ["Bob met Carol in Rome."] = [new(0, 3, "PER"), new(8, 13, "PER"), new(17, 21, "LOC")],
            ["Carol met Alice in Rome."] = [new(0, 5, "PER"), new(10, 15, "PER"), new(19, 23, "LOC")],
            ["Carol met Carol in Rome."] = [new(0, 5, "PER"), new(10, 15, "PER"), new(19, 23, "LOC")],
            ["Alice flew to Paris."] = [new(0, 5, "PER"), new(14, 19, "LOC")],
            ["Bob flew to Paris."] = [new(0, 3, "PER"), new(12, 17, "LOC")],
        };
        Assert.Equal(expected.Keys.Order(), produced.Select(p => p.Example.Text).Order());
        foreach (var item in produced)
        {
            var example = (NerExample)item.Example;
            Assert.Equal(expected[example.Text], example.Spans);
            var parent = example.Text.EndsWith("Rome.", StringComparison.Ordinal) ? "seed-1" : "seed-2";
            Assert.Equal(new ExampleProvenance(ExampleSource.SyntheticMentionReplacement, "mention-replacement", ParentId: parent), item.Provenance);
            Assert.StartsWith(parent + "-mr", example.Id);
        }
    }

    [Theory]
    [InlineData("crossner_ai.txt")]
    [InlineData("wnut17.conll")]
    [InlineData("bc5cdr.tsv")]
    public async Task OnRealDataSpansStayExactAndOfTheRightType(string sample)
    {
        var seeds = await Sample(sample);
        var pool = seeds.SelectMany(s => s.Spans.Select(span => (span.Label, Text: s.SpanText(span)))).ToHashSet();

        var produced = Generator(maxPerSeed: 3, probability: 0.5).Generate(seeds);

        Assert.NotEmpty(produced);
        var byId = seeds.Select((s, i) => (Id: s.Id ?? $"seed-{i + 1}", Seed: s)).ToDictionary(p => p.Id, p => p.Seed);
        foreach (var item in produced)
        {
            var example = (NerExample)item.Example;
            var parent = byId[item.Provenance.ParentId!];
            var report = new ValidationReport();
            Assert.True(new ExampleValidator(report).Check(new DataRecord(example, sample, 0)), string.Join("; ", report.Issues));
            Assert.Equal(parent.Spans.OrderBy(s => s.Start).Select(s => s.Label), example.Spans.Select(s => s.Label));
            Assert.All(example.Spans, span => Assert.Contains((span.Label, example.SpanText(span)), pool));
            // Outside the mentions, the text is the parent's, character for character.
            Assert.Equal(Outside(parent), Outside(example));
            Assert.NotEqual(parent.Text, example.Text);
        }
        Assert.All(produced.GroupBy(p => p.Provenance.ParentId), group => Assert.InRange(group.Count(), 1, 3));
    }

    private static List<string> Outside(NerExample example)
    {
        var pieces = new List<string>();
        var at = 0;
        foreach (var span in example.Spans.OrderBy(s => s.Start))
        {
            pieces.Add(example.Text[at..span.Start]);
            at = span.End;
        }
        pieces.Add(example.Text[at..]);
        return pieces;
    }

    [Fact]
    public async Task IsDeterministicForASeed()
    {
        var seeds = await Sample("wnut17.conll");
        string Run(int seed) => string.Join("\n", Generator(maxPerSeed: 2, probability: 0.5, seed: seed).Generate(seeds)
            .Select(p => $"{p.Example.Id}|{p.Example.Text}|{string.Join(",", ((NerExample)p.Example).Spans)}"));

        Assert.Equal(Run(7), Run(7));
        Assert.NotEqual(Run(7), Run(8));
    }

    [Fact]
    public async Task DropsDuplicatesOfSeedsExistingTextsAndEachOther()
    {
        var seeds = await Sample("crossner_ai.txt");
        var first = Generator(maxPerSeed: 4, probability: 0.5).Generate(seeds);
        var keys = first.Select(p => p.Example.Text.ToLowerInvariant()).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.DoesNotContain(first, p => seeds.Any(s => s.Text == p.Example.Text));

        var taken = first[0].Example.Text;
        var second = Generator(maxPerSeed: 4, probability: 0.5).Generate(seeds, existingTexts: [taken.ToUpperInvariant()]);
        Assert.DoesNotContain(second, p => p.Example.Text == taken);
    }

    [Fact]
    public void CapsTheOutputsPerSeed()
    {
        NerExample[] seeds = [Ner("Alice met Bob in Paris.", ("Alice", "PER"), ("Bob", "PER"), ("Paris", "LOC")), Ner("Carol flew to Rome.", ("Carol", "PER"), ("Rome", "LOC"))];
        var produced = Generator(maxPerSeed: 1).Generate(seeds);
        Assert.Equal(["seed-1", "seed-2"], produced.Select(p => p.Provenance.ParentId));
    }

    [Fact]
    public void MentionsFromExtraSentencesJoinThePoolButAreNotRewritten()
    {
        NerExample[] seeds = [Ner("Alice lives in Paris.", ("Alice", "PER"), ("Paris", "LOC"))];
        NerExample[] pseudoLabelled = [Ner("Dave toured Berlin.", ("Dave", "PER"), ("Berlin", "LOC"))];

        var produced = Generator().Generate(seeds, pseudoLabelled);

        Assert.Equal(["Dave lives in Berlin."], produced.Select(p => p.Example.Text));
        Assert.Equal([new EntitySpan(0, 4, "PER"), new EntitySpan(14, 20, "LOC")], ((NerExample)produced[0].Example).Spans);
    }

    [Fact]
    public void RefusesSeedsWithBrokenSpans()
    {
        var broken = new NerExample("Alice lives in Paris.", [new EntitySpan(15, 40, "LOC")]) { Id = "s-7" };
        var error = Assert.Throws<LocusException>(() => Generator().Generate([broken]));
        Assert.Contains("seed 's-7'", error.Message);
        Assert.Contains("outside the text", error.Message);
    }
}
