using Locus.Data;

namespace Locus.Tests.Data;

public class ConllFormatTests
{
    private static Task<List<DataRecord>> Read(string text, TagScheme scheme = TagScheme.Bio, ValidationReport? report = null) =>
        ConllReader.ReadAsync(new StringReader(text), "t.conll", scheme, report).ToListAsync().AsTask();

    private static async Task<string> Write(IEnumerable<Example> examples, TagScheme scheme = TagScheme.Bio)
    {
        var writer = new StringWriter();
        await ConllWriter.WriteAsync(writer, DataRecord.FromExamples(examples, "t.jsonl"), new ConllWriteOptions { Scheme = scheme });
        return writer.ToString();
    }

    [Fact]
    public async Task ImportJoinsTokensWithSpacesAndComputesCharacterSpans()
    {
        var records = await Read("John\tB-PER\nSmith\tI-PER\nmet\tO\nMary\tB-PER\n.\tO\n\nParis\tB-LOC\n");
        Assert.Equal([1, 7], records.Select(r => r.Line));
        var first = (NerExample)records[0].Example;
        Assert.Equal("John Smith met Mary .", first.Text);
        Assert.Equal([new EntitySpan(0, 10, "PER"), new EntitySpan(15, 19, "PER")], first.Spans);
        Assert.Equal([new EntitySpan(0, 5, "LOC")], ((NerExample)records[1].Example).Spans);
    }

    [Fact]
    public async Task ToleratesSpacesMiddleColumnsDocstartAndRepeatedBlankLines()
    {
        const string text = "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\n\n\n-DOCSTART-\t-X-\tO\nGerman\tJJ\tB-MISC\r\ncall\tNN\tO\r\n  \n";
        var records = await Read(text);
        Assert.Equal(2, records.Count);
        Assert.Equal(("EU rejects", 3), (records[0].Example.Text, records[0].Line));
        Assert.Equal([new EntitySpan(0, 2, "ORG")], ((NerExample)records[0].Example).Spans);
        Assert.Equal(("German call", 9), (records[1].Example.Text, records[1].Line));
        Assert.Equal([new EntitySpan(0, 6, "MISC")], ((NerExample)records[1].Example).Spans);
    }

    [Theory]
    [InlineData("a\tO\nb\n", 2, "tag", "missing: expected 'token<TAB>tag'", 0)]
    [InlineData("a\tO\n\tX\tO\n\nok\tO\n", 2, "token", "empty", 1)]
    [InlineData("a\tO\n\nb\tO\nc\tI-PER\n", 4, "tag", "does not continue a PER entity", 1)]
    [InlineData("a\tB-PER\nb\tPER\n", 2, "tag", "'PER' is not a tag", 0)]
    public async Task MalformedSentencesNameTheLine(string text, int line, string field, string problem, int survivors)
    {
        var e = await Assert.ThrowsAsync<DataFormatException>(() => Read(text));
        Assert.Equal(("t.conll", line, field), (e.File, e.Line, e.Field));
        Assert.Contains(problem, e.Problem);

        var report = new ValidationReport();
        var records = await Read(text, report: report);
        Assert.Equal(line, Assert.Single(report.Errors).Line);
        Assert.Equal(1, report.InvalidRecordCount);
        Assert.Equal(survivors, records.Count);
    }

    [Fact]
    public async Task ExportTokenisesOnWhitespaceInEachScheme()
    {
        var example = new NerExample("John  Smith met\tMary\nin New York", [new EntitySpan(0, 11, "PER"), new EntitySpan(16, 20, "PER"), new EntitySpan(24, 32, "LOC")]);
        Assert.Equal("John\tB-PER\nSmith\tI-PER\nmet\tO\nMary\tB-PER\nin\tO\nNew\tB-LOC\nYork\tI-LOC\n\n", await Write([example]));
        Assert.Equal("John\tB-PER\nSmith\tE-PER\nmet\tO\nMary\tS-PER\nin\tO\nNew\tB-LOC\nYork\tE-LOC\n\n", await Write([example], TagScheme.Bioes));
        Assert.Equal("John\tI-PER\nSmith\tI-PER\nmet\tO\nMary\tI-PER\nin\tO\nNew\tI-LOC\nYork\tI-LOC\n\n", await Write([example], TagScheme.Iob1));
    }

    [Theory]
    [InlineData(1, 5, "spans[0]", "starts at 1 inside the token 'Paris,'")]
    [InlineData(0, 5, "spans[0]", "ends at 5 inside the token 'Paris,'")]
    [InlineData(6, 10, "spans[0]", "starts at 6 on whitespace")]
    [InlineData(7, 9, "spans[0]", "ends at 9 inside the token 'France'")]
    [InlineData(0, 40, "spans[0]", "is not a valid range")]
    public async Task ExportRejectsSpansOffTokenBoundaries(int start, int end, string field, string problem)
    {
        var example = new NerExample("Paris, France", [new EntitySpan(start, end, "LOC")]);
        var e = await Assert.ThrowsAsync<DataFormatException>(() => Write([example]));
        Assert.Equal(("t.jsonl", 1, field), (e.File, e.Line, e.Field));
        Assert.Contains(problem, e.Problem);
    }

    [Fact]
    public async Task ExportRejectsOverlapsEmptyTextAndDocstartTokensNamingTheRecord()
    {
        var overlap = new NerExample("New York City", [new EntitySpan(0, 13, "LOC"), new EntitySpan(4, 8, "LOC")]);
        var e = await Assert.ThrowsAsync<DataFormatException>(() => Write([new NerExample("fine", []), overlap]));
        Assert.Equal((2, "spans[1]"), (e.Line, e.Field));
        Assert.Contains("overlaps spans[0]", e.Problem);

        e = await Assert.ThrowsAsync<DataFormatException>(() => Write([new NerExample(" \n ", [])]));
        Assert.Equal("text", e.Field);
        e = await Assert.ThrowsAsync<DataFormatException>(() => Write([new NerExample("-DOCSTART- x", [])]));
        Assert.Contains("document marker", e.Problem);
    }

    [Theory]
    [InlineData("crossner_ai.txt", 6)]
    [InlineData("wnut17.conll", 8)]
    [InlineData("bc5cdr.tsv", 8)]
    public async Task RealExcerptsRoundTripThroughJsonlByteForByte(string sample, int sentences)
    {
        using var files = new DataTestFiles();
        var source = DataTestFiles.Sample(sample);
        Assert.Equal(TagScheme.Bio, await ConllReader.DetectSchemeAsync(source));

        var jsonl = files.PathOf("x.jsonl");
        Assert.Equal(sentences, await JsonlWriter.WriteFileAsync(jsonl, ConllReader.ReadFileAsync(source)));
        var back = files.PathOf("x.conll");
        await ConllWriter.WriteFileAsync(back, JsonlReader.ReadFileAsync(jsonl));
        Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(back));

        // Through BIOES and IOB1 and back to BIO: the same file again.
        var bioes = files.PathOf("x.bioes");
        await ConllWriter.WriteFileAsync(bioes, ConllReader.ReadFileAsync(source), new ConllWriteOptions { Scheme = TagScheme.Bioes });
        var iob1 = files.PathOf("x.iob1");
        await ConllWriter.WriteFileAsync(iob1, ConllReader.ReadFileAsync(bioes, TagScheme.Bioes), new ConllWriteOptions { Scheme = TagScheme.Iob1 });
        var bio = files.PathOf("x.bio");
        await ConllWriter.WriteFileAsync(bio, ConllReader.ReadFileAsync(iob1, TagScheme.Iob1));
        Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(bio));
    }

    [Fact]
    public async Task EmojiTokensKeepTheirEntitiesInPlace()
    {
        // WNUT-17 has tokens outside the Basic Multilingual Plane; spans must still cover exactly the entity tokens.
        var records = await ConllReader.ReadFileAsync(DataTestFiles.Sample("wnut17.conll")).ToListAsync();
        var lines = File.ReadAllLines(DataTestFiles.Sample("wnut17.conll"));
        var withEmoji = records.Select(r => (NerExample)r.Example).Where(e => e.Text.Any(char.IsSurrogate) && e.Spans.Count > 0).ToList();
        Assert.NotEmpty(withEmoji);
        foreach (var record in records)
        {
            var example = (NerExample)record.Example;
            var expected = lines.Skip(record.Line - 1).TakeWhile(l => l.Length > 0).Select(l => l.Split('\t')).ToList();
            foreach (var span in example.Spans)
            {
                var first = example.Text[..span.Start].Count(c => c == ' ');
                Assert.Equal("B-" + span.Label, expected[first][1]);
                Assert.StartsWith(expected[first][0], example.SpanText(span));
            }
            Assert.Equal(expected.Count(t => t[1].StartsWith("B-")), example.Spans.Count);
        }
    }
}
