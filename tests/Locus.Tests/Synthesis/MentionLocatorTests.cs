using Locus.Data;
using Locus.Synthesis;
using Locus.Tests.Data;

namespace Locus.Tests.Synthesis;

public sealed class MentionLocatorTests
{
    private static IReadOnlyList<EntitySpan> Locate(string text, params EntityMention[] mentions)
    {
        var spans = MentionLocator.TryLocate(text, mentions, out var problem);
        Assert.True(spans is not null, problem);
        return spans;
    }

    private static string Fail(string text, params EntityMention[] mentions)
    {
        Assert.Null(MentionLocator.TryLocate(text, mentions, out var problem));
        return problem!;
    }

    [Fact]
    public void LabelsEveryWholeWordOccurrenceWithoutAnOccurrenceIndex()
    {
        //                  0         1         2         3
        //                  0123456789012345678901234567890123456
        var spans = Locate("Rome beat Roma; Rome won in Rome.", new EntityMention("Rome", "LOC"));
        Assert.Equal([new EntitySpan(0, 4, "LOC"), new EntitySpan(16, 20, "LOC"), new EntitySpan(28, 32, "LOC")], spans);
    }

    [Fact]
    public void AnOccurrenceIndexPicksOneOccurrence()
    {
        var spans = Locate("Paris said Paris is lovely.", new EntityMention("Paris", "PER", 1), new EntityMention("Paris", "LOC", 2));
        Assert.Equal([new EntitySpan(0, 5, "PER"), new EntitySpan(11, 16, "LOC")], spans);
    }

    [Fact]
    public void PrefersWholeWordsAndFallsBackToSubstrings()
    {
        // "Java" inside "JavaScript" is not a whole word, the later "Java" is.
        Assert.Equal([new EntitySpan(15, 19, "LANG")], Locate("JavaScript and Java.", new EntityMention("Java", "LANG")));
        // Without spaces there are no word boundaries: the substring is used.
        Assert.Equal([new EntitySpan(2, 4, "LOC")], Locate("我在北京工作", new EntityMention("北京", "LOC")));
    }

    [Fact]
    public void LongerMentionsArePlacedFirst()
    {
        var spans = Locate("Paris Hilton stayed in Paris.", new EntityMention("Paris", "LOC"), new EntityMention("Paris Hilton", "PER"));
        Assert.Equal([new EntitySpan(0, 12, "PER"), new EntitySpan(23, 28, "LOC")], spans);
    }

    [Fact]
    public void TrimsMentionsAndIgnoresRepeatedEntries()
    {
        var spans = Locate("Bob met Ann.", new EntityMention(" Bob ", "PER"), new EntityMention("Bob", "PER"), new EntityMention("Ann", "PER"));
        Assert.Equal([new EntitySpan(0, 3, "PER"), new EntitySpan(8, 11, "PER")], spans);
    }

    [Fact]
    public void ExplainsWhyAMentionCannotBePlaced()
    {
        Assert.Contains("'Tokyo' does not occur", Fail("Bob lives in Osaka.", new EntityMention("Tokyo", "LOC")));
        Assert.Contains("occurrence 3 requested but it occurs 2 time(s)", Fail("Rome and Rome.", new EntityMention("Rome", "LOC", 3)));
        Assert.Contains("two labels", Fail("Jordan visited Jordan.", new EntityMention("Jordan", "PER"), new EntityMention("Jordan", "LOC")));
        Assert.Contains("empty text", Fail("Bob.", new EntityMention("  ", "PER")));
        Assert.Contains("overlaps another entity", Fail("New York is big.", new EntityMention("New York", "LOC"), new EntityMention("York", "LOC")));
    }

    [Theory]
    [InlineData("crossner_ai.txt")]
    [InlineData("wnut17.conll")]
    [InlineData("bc5cdr.tsv")]
    public async Task SeedsWrittenAsMentionsLocateBackToTheirSpans(string sample)
    {
        var examples = await DatasetReader.ReadAsync(DataTestFiles.Sample(sample)).Select(r => (NerExample)r.Example).ToListAsync();
        Assert.NotEmpty(examples);
        foreach (var example in examples)
        {
            var mentions = MentionLocator.ToMentions(example);
            var spans = MentionLocator.TryLocate(example.Text, mentions, out var problem);
            Assert.True(spans is not null, $"{example.Text}: {problem}");
            Assert.Equal(example.Spans.OrderBy(s => s.Start), spans);
        }
    }
}
