using Locus.Data;
using Locus.Synthesis;
using Locus.Tests.Data;

namespace Locus.Tests.Synthesis;

public sealed class EdaAugmenterTests
{
    private static async Task<List<ClassificationExample>> Banking() =>
        await DatasetReader.ReadAsync(DataTestFiles.Sample("banking77.csv")).Select(r => (ClassificationExample)r.Example).ToListAsync();

    private static string[] Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task SwapsPermuteAndDeletionsDropWordsKeepingTheLabel()
    {
        var examples = await Banking();
        var produced = new EdaAugmenter(new EdaOptions { AugmentationsPerExample = 4, DeletionProbability = 0.2 }).Augment(examples);

        Assert.NotEmpty(produced);
        var parents = examples.Select((e, i) => (Id: e.Id ?? $"seed-{i + 1}", Example: e)).ToDictionary(p => p.Id, p => p.Example);
        foreach (var item in produced)
        {
            var parent = parents[item.Provenance.ParentId!];
            var child = (ClassificationExample)item.Example;
            Assert.Equal(ExampleSource.Augmented, item.Provenance.Source);
            Assert.Equal(parent.Label, child.Label);
            var before = Words(parent.Text);
            var after = Words(child.Text);
            if (item.Provenance.Generator == EdaAugmenter.SwapGenerator)
            {
                Assert.Equal(before.Order(StringComparer.Ordinal), after.Order(StringComparer.Ordinal));
                Assert.NotEqual(before, after);
            }
            else
            {
                Assert.Equal(EdaAugmenter.DeletionGenerator, item.Provenance.Generator);
                Assert.True(after.Length < before.Length);
                Assert.True(IsSubsequence(after, before), child.Text);
            }
        }
        Assert.Contains(produced, p => p.Provenance.Generator == EdaAugmenter.SwapGenerator);
        Assert.Contains(produced, p => p.Provenance.Generator == EdaAugmenter.DeletionGenerator);
    }

    private static bool IsSubsequence(string[] part, string[] whole)
    {
        var at = 0;
        foreach (var word in whole)
            if (at < part.Length && part[at] == word) at++;
        return at == part.Length;
    }

    [Fact]
    public void WordsOfTheLabelNameStayInPlace()
    {
        var example = new ClassificationExample("my new card has still not arrived at my home today", "card_arrival");
        var produced = new EdaAugmenter(new EdaOptions { AugmentationsPerExample = 20, SwapRate = 0.5, DeletionProbability = 0.5 }).Augment([example]);

        Assert.NotEmpty(produced);
        foreach (var item in produced.Where(p => p.Provenance.Generator == EdaAugmenter.SwapGenerator))
            Assert.Equal("card", Words(item.Example.Text)[2]);
        Assert.All(produced, item => Assert.Contains("card", Words(item.Example.Text)));
    }

    [Fact]
    public async Task IsDeterministicAndDropsDuplicates()
    {
        var examples = await Banking();
        string Run(int seed) => string.Join("\n", new EdaAugmenter(new EdaOptions { Seed = seed }).Augment(examples).Select(p => $"{p.Example.Id}|{p.Example.Text}"));

        Assert.Equal(Run(3), Run(3));
        Assert.NotEqual(Run(3), Run(4));
        var produced = new EdaAugmenter().Augment(examples, existingTexts: ["Anything else"]);
        var texts = produced.Select(p => p.Example.Text.ToLowerInvariant()).ToList();
        Assert.Equal(texts.Count, texts.Distinct().Count());
        Assert.DoesNotContain(produced, p => examples.Any(e => e.Text.Equals(p.Example.Text, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void SkipsTextsTooShortToChange()
    {
        Assert.Empty(new EdaAugmenter().Augment([new ClassificationExample("Hello", "greeting"), new ClassificationExample("card arrival", "card_arrival")]));
    }
}
