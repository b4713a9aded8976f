using Locus.Data;

namespace Locus.Tests.Data;

public class CsvFormatTests
{
    private static List<CsvRow> Parse(string text) => new CsvParser(new StringReader(text)).ReadRows().ToList();

    private static Task<List<DataRecord>> Read(string text, CsvOptions? options = null, ValidationReport? report = null) =>
        CsvClassificationReader.ReadAsync(new StringReader(text), "t.csv", options, report).ToListAsync().AsTask();

    [Fact]
    public void ParsesRfc4180QuotingAndKeepsLineBreaksInsideQuotes()
    {
        var rows = Parse("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n\"two\nlines\r\nhere\",\r\n\"\",last\n");
        Assert.Equal([["a", "b"], ["x, y", "say \"hi\""], ["two\nlines\r\nhere", ""], ["", "last"]], rows.Select(r => r.Fields));
        Assert.Equal([1, 2, 3, 6], rows.Select(r => r.Line));
        Assert.All(rows, r => Assert.Null(r.Problem));
    }

    [Fact]
    public void SkipsEmptyLinesAndAcceptsLfAndCrLineBreaks()
    {
        var rows = Parse("a,b\n\n\rc,d\re,f");
        Assert.Equal([["a", "b"], ["c", "d"], ["e", "f"]], rows.Select(r => r.Fields));
        Assert.Equal([1, 4, 5], rows.Select(r => r.Line));
    }

    [Theory]
    [InlineData("a,b\nx,\"open\nstill open\n", 2, "quoted field opened on line 2 is never closed")]
    [InlineData("a,b\nx,y\"z\nok,1\n", 2, "quote inside the unquoted field 2")]
    [InlineData("a,b\n\"x\"y,z\nok,1\n", 2, "unexpected 'y' after the closing quote of field 1")]
    public void ReportsBrokenQuotingWithTheRecordLine(string text, int line, string problem)
    {
        var bad = Parse(text).Single(r => r.Problem is not null);
        Assert.Equal(line, bad.Line);
        Assert.StartsWith(problem, bad.Problem);
    }

    [Fact]
    public void ParsingResumesOnTheLineAfterAStrayQuote() =>
        Assert.Equal(["ok", "1"], Parse("a,b\nx,y\"z\nok,1\n").Last().Fields);

    [Fact]
    public async Task ChoosesColumnsByHeaderNameOrIndex()
    {
        const string text = "id,category,text\n1,greet,hello\n2,bye,see you\n";
        var byDefault = await Read(text);
        Assert.Equal([("hello", "greet"), ("see you", "bye")], byDefault.Select(r => (r.Example.Text, ((ClassificationExample)r.Example).Label)));
        Assert.Equal([2, 3], byDefault.Select(r => r.Line));

        var byIndex = await Read(text, new CsvOptions { TextColumn = "2", LabelColumn = "0" });
        Assert.Equal("1", ((ClassificationExample)byIndex[0].Example).Label);

        var noHeader = await Read("hello,greet\n", new CsvOptions { HasHeader = false });
        Assert.Equal(("hello", "greet"), (noHeader[0].Example.Text, ((ClassificationExample)noHeader[0].Example).Label));
    }

    [Theory]
    [InlineData("id,body\n1,x\n", null, null, "no 'text' column in the header ('id', 'body'); choose one with --text-column")]
    [InlineData("text,foo\nx,y\n", null, null, "no label column")]
    [InlineData("text,foo\nx,y\n", null, "bar", "no column 'bar' in the header ('text', 'foo')")]
    [InlineData("text,foo\nx,y\n", "text", "5", "column 5 was chosen but rows have 2 columns")]
    [InlineData("text,label\nx,y\n", "text", "text", "the text and label columns are the same column (0)")]
    public async Task BadColumnChoicesFailOnTheHeader(string text, string? textColumn, string? labelColumn, string problem)
    {
        var e = await Assert.ThrowsAsync<DataFormatException>(() => Read(text, new CsvOptions { TextColumn = textColumn, LabelColumn = labelColumn }));
        Assert.Equal(("t.csv", 1), (e.File, e.Line));
        Assert.Contains(problem, e.Problem);
    }

    [Fact]
    public async Task RowsWithTheWrongNumberOfFieldsAreReportedNotDropped()
    {
        const string text = "text,label\nfine,a\nunquoted, comma,b\nalso fine,c\n";
        var e = await Assert.ThrowsAsync<DataFormatException>(() => Read(text));
        Assert.Equal(3, e.Line);
        Assert.Contains("has 3 fields, expected 2", e.Problem);

        var report = new ValidationReport();
        var records = await Read(text, report: report);
        Assert.Equal([2, 4], records.Select(r => r.Line));
        Assert.Equal(3, Assert.Single(report.Errors).Line);
    }

    [Fact]
    public async Task MultiLabelCellsAreSplitAndJoined()
    {
        var options = new CsvOptions { LabelSeparator = "|" };
        var records = await Read("text,labels\nx,a|b\ny,\n", options);
        Assert.Equal(["a", "b"], ((ClassificationExample)records[0].Example).Labels);
        Assert.Empty(((ClassificationExample)records[1].Example).Labels);

        var writer = new StringWriter();
        await CsvClassificationWriter.WriteAsync(writer, DataRecord.FromExamples(records.Select(r => r.Example)), new CsvOptions { LabelSeparator = "|", LabelColumn = "labels" });
        Assert.Equal("text,labels\r\nx,a|b\r\ny,\r\n", writer.ToString());

        var e = await Assert.ThrowsAsync<DataFormatException>(() =>
            CsvClassificationWriter.WriteAsync(new StringWriter(), DataRecord.FromExamples([new ClassificationExample("x", ["a"])])));
        Assert.Equal("labels", e.Field);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData(" spaced ", " spaced ")]
    public void EscapesOnlyWhenNeeded(string field, string expected) => Assert.Equal(expected, CsvClassificationWriter.Escape(field));

    [Fact]
    public async Task RealBanking77ExcerptRoundTripsByteForByte()
    {
        using var files = new DataTestFiles();
        var source = DataTestFiles.Sample("banking77.csv");
        var jsonl = files.PathOf("b.jsonl");
        Assert.Equal(12, await JsonlWriter.WriteFileAsync(jsonl, CsvClassificationReader.ReadFileAsync(source)));
        var records = await JsonlReader.ReadFileAsync(jsonl).ToListAsync();
        Assert.Contains(records, r => r.Example.Text == "\nI can't seem to be able to use my card\n\n\n");
        Assert.Contains(records, r => r.Example.Text.Contains("as \"pending\", it never"));

        var back = files.PathOf("b.csv");
        await CsvClassificationWriter.WriteFileAsync(back, JsonlReader.ReadFileAsync(jsonl), new CsvOptions { LabelColumn = "category" });
        Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(back));
    }
}
