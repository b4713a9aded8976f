using System.Text.Json;
using Locus.Data;

namespace Locus.Tests.Data;

public class JsonlFormatTests
{
    private static Task<List<DataRecord>> Read(string text, DataTask? task = null, ValidationReport? report = null) =>
        JsonlReader.ReadAsync(new StringReader(text), "t.jsonl", task, report).ToListAsync().AsTask();

    [Fact]
    public async Task ReadsNerRecordsWithTheirLineNumbers()
    {
        var records = await Read("{\"text\":\"Bob met Alice\",\"spans\":[{\"start\":0,\"end\":3,\"label\":\"PER\"},{\"start\":8,\"end\":13,\"label\":\"PER\"}]}\n\n{\"text\":\"nothing\",\"spans\":[]}\n");
        Assert.Equal([1, 3], records.Select(r => r.Line));
        var first = Assert.IsType<NerExample>(records[0].Example);
        Assert.Equal([new EntitySpan(0, 3, "PER"), new EntitySpan(8, 13, "PER")], first.Spans);
        Assert.Equal(["Bob", "Alice"], first.Spans.Select(first.SpanText));
        Assert.Empty(((NerExample)records[1].Example).Spans);
    }

    [Fact]
    public async Task ReadsSingleAndMultiLabelClassification()
    {
        var records = await Read("{\"text\":\"a\",\"label\":\"x\"}\n{\"text\":\"b\",\"labels\":[\"x\",\"y\"]}\n{\"text\":\"c\",\"labels\":[]}\n");
        var single = Assert.IsType<ClassificationExample>(records[0].Example);
        Assert.False(single.IsMultiLabel);
        Assert.Equal("x", single.Label);
        var multi = Assert.IsType<ClassificationExample>(records[1].Example);
        Assert.True(multi.IsMultiLabel);
        Assert.Equal(["x", "y"], multi.Labels);
        Assert.Empty(((ClassificationExample)records[2].Example).Labels);
        Assert.Throws<InvalidOperationException>(() => multi.Label);
    }

    [Fact]
    public async Task OffsetsInTheFileAreCodePointsAndInMemoryUtf16()
    {
        // "😀" is one code point but two UTF-16 code units: Bob is [2,5) in Python and [3,6) in .NET.
        var line = "{\"text\":\"😀 Bob met Alice\",\"spans\":[{\"start\":2,\"end\":5,\"label\":\"PER\"},{\"start\":10,\"end\":15,\"label\":\"PER\"}]}";
        var example = (NerExample)(await Read(line))[0].Example;
        Assert.Equal([new EntitySpan(3, 6, "PER"), new EntitySpan(11, 16, "PER")], example.Spans);
        Assert.Equal(["Bob", "Alice"], example.Spans.Select(example.SpanText));

        var written = JsonlWriter.ToLine(example);
        using var document = JsonDocument.Parse(written);
        var spans = document.RootElement.GetProperty("spans");
        Assert.Equal(2, spans[0].GetProperty("start").GetInt32());
        Assert.Equal(15, spans[1].GetProperty("end").GetInt32());
    }

    [Fact]
    public async Task IdAndUnknownFieldsArePassedThrough()
    {
        var line = "{\"id\":17,\"text\":\"a b\",\"label\":\"x\",\"source\":{\"url\":\"u\",\"n\":[1,2]},\"score\":0.5}";
        var example = (await Read(line))[0].Example;
        Assert.Equal("17", example.Id);
        Assert.Equal(["source", "score"], example.Extra!.Keys);
        Assert.Equal("{\"id\":\"17\",\"text\":\"a b\",\"label\":\"x\",\"source\":{\"url\":\"u\",\"n\":[1,2]},\"score\":0.5}", JsonlWriter.ToLine(example));
    }

    [Fact]
    public async Task TaskIsInferredFromTheFirstRecordAndEnforcedAfterwards()
    {
        var report = new ValidationReport();
        var records = await Read("{\"text\":\"a\",\"label\":\"x\"}\n{\"text\":\"b\",\"spans\":[]}\n", report: report);
        Assert.Single(records);
        var issue = Assert.Single(report.Errors);
        Assert.Equal((2, "label"), (issue.Line, issue.Field));
    }

    private const string NerLine = "{\"text\":\"ok\",\"spans\":[]}\n";
    private const string TcLine = "{\"text\":\"ok\",\"label\":\"x\"}\n";

    [Theory]
    [InlineData(NerLine + "{\"text\":\"a\",\"spans\":[]", 2, null, "malformed JSON at character")]
    [InlineData(NerLine + "[1,2]", 2, null, "expected a JSON object, found an array")]
    [InlineData(NerLine + "{\"spans\":[]}", 2, "text", "missing")]
    [InlineData(NerLine + "{\"text\":3,\"spans\":[]}", 2, "text", "must be a string, found a number")]
    [InlineData(NerLine + "{\"text\":\"a\",\"spans\":{}}", 2, "spans", "must be an array")]
    [InlineData(NerLine + "{\"text\":\"a\",\"spans\":[{\"start\":0,\"end\":1}]}", 2, "spans[0].label", "missing")]
    [InlineData(NerLine + "{\"text\":\"a\",\"spans\":[{\"start\":\"0\",\"end\":1,\"label\":\"X\"}]}", 2, "spans[0].start", "must be an integer")]
    [InlineData(NerLine + "{\"text\":\"a\",\"spans\":[{\"start\":0,\"end\":1.5,\"label\":\"X\"}]}", 2, "spans[0].end", "must be an integer")]
    [InlineData(NerLine + "{\"text\":\"a\",\"spans\":[7]}", 2, "spans[0]", "must be an object")]
    [InlineData(TcLine + "{\"text\":\"a\",\"label\":\"x\",\"labels\":[\"y\"]}", 2, "labels", "not both")]
    [InlineData(TcLine + "{\"text\":\"a\",\"labels\":[\"y\",2]}", 2, "labels[1]", "must be a string")]
    [InlineData(TcLine + "{\"text\":\"a\",\"label\":[\"y\"]}", 2, "label", "must be a string")]
    [InlineData(TcLine + "{\"text\":\"a\",\"label\":\"x\",\"id\":true}", 2, "id", "must be a string or a number")]
    [InlineData("{\"text\":\"a\"}", 1, null, "cannot tell the task")]
    public async Task MalformedLinesAreReportedWithLineAndField(string text, int line, string? field, string problem)
    {
        var strict = await Assert.ThrowsAsync<DataFormatException>(() => Read(text));
        Assert.Equal(("t.jsonl", line, field), (strict.File, strict.Line, strict.Field));
        Assert.Contains(problem, strict.Problem);

        var report = new ValidationReport();
        await Read(text, report: report);
        var issue = Assert.Single(report.Issues);
        Assert.Equal((IssueSeverity.Error, line, field), (issue.Severity, issue.Line, issue.Field));
        Assert.Equal(1, report.InvalidRecordCount);
    }

    [Fact]
    public async Task ReportModeKeepsReadingAfterABadLine()
    {
        var report = new ValidationReport();
        var records = await Read("{\"text\":\"a\",\"label\":\"x\"}\nnot json\n{\"text\":\"c\",\"label\":\"z\"}\n", report: report);
        Assert.Equal([1, 3], records.Select(r => r.Line));
        Assert.StartsWith("t.jsonl:2: malformed JSON at character ", report.Issues.Single().ToString());
    }

    [Fact]
    public async Task WriteFileIsAtomicAndRoundTrips()
    {
        using var files = new DataTestFiles();
        var path = files.PathOf("out.jsonl");
        Example[] examples =
        [
            new NerExample("Ann lives in \"Paris\"\nnow", [new EntitySpan(0, 3, "PER"), new EntitySpan(14, 19, "LOC")]) { Id = "a1" },
            new ClassificationExample("é ü 😀", ["x", "y"]),
        ];
        Assert.Equal(2, await JsonlWriter.WriteFileAsync(path, DataRecord.FromExamples(examples)));
        Assert.Equal(["out.jsonl"], Directory.GetFiles(files.Folder).Select(Path.GetFileName));
        Assert.Equal(2, File.ReadAllLines(path).Length);

        var back = await JsonlReader.ReadFileAsync(path, DataTask.Ner, new ValidationReport()).ToListAsync();
        var ner = Assert.IsType<NerExample>(back[0].Example);
        Assert.Equal(("a1", examples[0].Text), (ner.Id, ner.Text));
        Assert.Equal(((NerExample)examples[0]).Spans, ner.Spans);
        var again = await JsonlReader.ReadFileAsync(path, DataTask.Classification, new ValidationReport()).ToListAsync();
        Assert.Equal(["x", "y"], ((ClassificationExample)again.Single().Example).Labels);
    }

    [Fact]
    public async Task AFailedWriteLeavesTheExistingFileUntouched()
    {
        using var files = new DataTestFiles();
        var path = files.Write("out.jsonl", "old content\n");
        var bad = new NerExample("😀", [new EntitySpan(1, 2, "X")]); // offset 1 is the middle of the emoji
        var e = await Assert.ThrowsAsync<DataFormatException>(() => JsonlWriter.WriteFileAsync(path, DataRecord.FromExamples([bad])));
        Assert.Equal("spans[0].start", e.Field);
        Assert.Equal("old content\n", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(files.Folder));
    }
}
