using Locus.Atlas.Data;

namespace Locus.Tests.Atlas;

public sealed class AtlasDataTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("locus-atlas-data-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void JsonlRecordsLoadWithTextsAndCosts()
    {
        var path = Write("e.jsonl", """
            {"model": "a", "query_id": 1, "query_text": "what is two plus two", "score": 1, "cost": 0.5}
            {"model": "b", "query_id": "1", "score": 0.25}

            {"model": "a", "query_id": "q2", "score": 0}
            """);
        var table = EvaluationDataLoader.Load([path]);
        Assert.Equal(["a", "b"], table.Models);
        Assert.Equal(["1", "q2"], table.Queries);
        Assert.Equal(0.25, table.Score(table.ModelIndex("b"), table.QueryIndex("1")));
        Assert.False(table.Has(table.ModelIndex("b"), table.QueryIndex("q2")));
        Assert.Equal("what is two plus two", table.QueryTexts["1"]);
        Assert.Equal(0.5, table.MeanCost(table.ModelIndex("a")));
        Assert.Null(table.MeanCost(table.ModelIndex("b")));
    }

    [Fact]
    public void DuplicateEvaluationNamesFileLineAndFirstOccurrence()
    {
        var path = Write("d.jsonl", "{\"model\":\"a\",\"query_id\":\"q\",\"score\":1}\n{\"model\":\"a\",\"query_id\":\"q\",\"score\":0}\n");
        var e = Assert.Throws<DataFormatException>(() => EvaluationDataLoader.Load([path]));
        Assert.Equal(2, e.Line);
        Assert.Equal("query_id", e.Field);
        Assert.Contains("duplicate", e.Message);
        Assert.Contains("d.jsonl:1", e.Message);
    }

    [Theory]
    [InlineData("{\"model\":\"a\",\"query_id\":\"q\",\"score\":1.5}", "score")]
    [InlineData("{\"model\":\"a\",\"query_id\":\"q\",\"score\":-0.1}", "score")]
    [InlineData("{\"model\":\"a\",\"query_id\":\"q\"}", "score")]
    [InlineData("{\"query_id\":\"q\",\"score\":1}", "model")]
    [InlineData("{\"model\":\"a\",\"query_id\":\"q\",\"score\":1,\"cost\":-2}", "cost")]
    [InlineData("{\"model\":\"a\",\"query_id\":\"q\",\"score\":\"yes\"}", "score")]
    public void BadRecordsNameTheField(string line, string field)
    {
        var path = Write("bad.jsonl", "{\"model\":\"a\",\"query_id\":\"ok\",\"score\":1}\n" + line + "\n");
        var e = Assert.Throws<DataFormatException>(() => EvaluationDataLoader.Load([path]));
        Assert.Equal(2, e.Line);
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void CsvMatrixWithModelsAsColumnsAndEmptyCells()
    {
        var path = Write("cols.csv", ",GPT,\"Claude, v3\"\n0,1.0,0.0\n1,,1\n");
        var table = EvaluationDataLoader.Load([path]);
        Assert.Equal(["GPT", "Claude, v3"], table.Models);
        Assert.Equal(["0", "1"], table.Queries);
        Assert.False(table.Has(0, 1));
        Assert.Equal(1.0, table.Score(1, 1));
    }

    [Fact]
    public void CsvMatrixWithModelsAsRowsBinarised()
    {
        var path = Write("rows.csv", "model,0,1,2\nA,1.9,1.2,1.5\nB,1.0,2.0,1.51\n");
        var table = EvaluationDataLoader.Load([path], new EvaluationLoadOptions { BinarizeAbove = 1.5 });
        Assert.Equal(["A", "B"], table.Models);
        Assert.Equal(new[] { 1.0, 0, 0 }, Enumerable.Range(0, 3).Select(q => table.Score(0, q)));
        Assert.Equal(new[] { 0.0, 1, 1 }, Enumerable.Range(0, 3).Select(q => table.Score(1, q)));
    }

    [Fact]
    public void CsvScoreOutOfRangeNamesLineAndColumn()
    {
        var path = Write("rows.csv", "model,q0,q1\nA,1,0\nB,0,1.7\n");
        var e = Assert.Throws<DataFormatException>(() => EvaluationDataLoader.Load([path]));
        Assert.Equal(3, e.Line);
        Assert.Equal("q1", e.Field);
    }

    [Fact]
    public void CsvNonNumberAndRaggedRowsAreRejected()
    {
        Assert.Equal("q0", Assert.Throws<DataFormatException>(() => EvaluationDataLoader.Load([Write("a.csv", "model,q0\nA,abc\n")])).Field);
        Assert.Equal(2, Assert.Throws<DataFormatException>(() => EvaluationDataLoader.Load([Write("b.csv", "model,q0,q1\nA,1\n")])).Line);
    }

    [Fact]
    public void QueryTextsWithUnknownIdAreRejected()
    {
        var data = Write("m.csv", "model,0,1\nA,1,0\n");
        var texts = Write("t.jsonl", "{\"idx\": 0, \"instruction\": \"hello\"}\n{\"idx\": 7, \"instruction\": \"bye\"}\n");
        var e = Assert.Throws<DataFormatException>(() => EvaluationDataLoader.Load([data], new EvaluationLoadOptions { QueryTextsPath = texts }));
        Assert.Equal(2, e.Line);
        Assert.Contains("unknown query id '7'", e.Message);
    }

    [Fact]
    public void DuplicateAcrossFilesIsRejected()
    {
        var a = Write("a.csv", "model,0\nA,1\n");
        var b = Write("b.jsonl", "{\"model\":\"A\",\"query_id\":0,\"score\":1}\n");
        var e = Assert.Throws<DataFormatException>(() => EvaluationDataLoader.Load([a, b]));
        Assert.Contains("a.csv:2", e.Message);
    }
}
