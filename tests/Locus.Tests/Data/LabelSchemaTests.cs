using Locus.Data;

namespace Locus.Tests.Data;

public class LabelSchemaTests
{
    [Fact]
    public async Task SavesAndLoadsWithDescriptions()
    {
        using var files = new DataTestFiles();
        var schema = new LabelSchema(DataTask.Ner, [new LabelDefinition("PER", "people, including fictional"), new LabelDefinition("LOC")]);
        var path = files.PathOf("labels.json");
        await LabelSchemaFile.SaveAsync(schema, path);
        Assert.Equal("{\n  \"task\": \"ner\",\n  \"labels\": [\n    {\n      \"name\": \"PER\",\n      \"description\": \"people, including fictional\"\n    },\n    {\n      \"name\": \"LOC\"\n    }\n  ]\n}\n",
            File.ReadAllText(path).ReplaceLineEndings("\n"));

        var loaded = await LabelSchemaFile.LoadAsync(path);
        Assert.Equal(DataTask.Ner, loaded.Task);
        Assert.Equal(schema.Labels, loaded.Labels);
        Assert.Equal("people, including fictional", loaded.Find("PER")!.Description);
        Assert.True(loaded.Contains("LOC"));
        Assert.False(loaded.Contains("per"));
    }

    [Fact]
    public void AcceptsPlainStringLabels()
    {
        var schema = LabelSchemaFile.Parse("{\"task\":\"classification\",\"labels\":[\"pos\",{\"name\":\"neg\",\"description\":null}]}", "s.json");
        Assert.Equal([new LabelDefinition("pos"), new LabelDefinition("neg")], schema.Labels);
    }

    [Theory]
    [InlineData("{\"labels\":[]}", "task", "missing")]
    [InlineData("{\"task\":\"pos\",\"labels\":[]}", "task", "must be \"ner\" or \"classification\"")]
    [InlineData("{\"task\":\"ner\"}", "labels", "missing")]
    [InlineData("{\"task\":\"ner\",\"labels\":[\"A\",\"A\"]}", "labels[1]", "listed twice")]
    [InlineData("{\"task\":\"ner\",\"labels\":[{\"description\":\"x\"}]}", "labels[0].name", "missing")]
    [InlineData("{\"task\":\"ner\",\"labels\":[\"\"]}", "labels[0]", "may not be empty")]
    [InlineData("{\"task\":\"ner\",\"labels\":[{\"name\":\"A\",\"description\":3}]}", "labels[0].description", "must be a string")]
    [InlineData("{\"task\":\"ner\",\"labels\":[3]}", "labels[0]", "must be an object")]
    public void BadSchemasNameTheField(string json, string field, string problem)
    {
        var e = Assert.Throws<DataFormatException>(() => LabelSchemaFile.Parse(json, "s.json"));
        Assert.Equal(("s.json", field), (e.File, e.Field));
        Assert.Contains(problem, e.Problem);
    }

    [Fact]
    public void MalformedJsonNamesTheLine()
    {
        var e = Assert.Throws<DataFormatException>(() => LabelSchemaFile.Parse("{\n\"task\": \"ner\",\n\"labels\": [\n\"A\" \"B\"]}", "s.json"));
        Assert.Equal(4, e.Line);
    }

    [Fact]
    public async Task InfersTheLabelsOfADataSet()
    {
        var schema = await LabelSchema.InferAsync(DataRecord.FromExamples([
            new NerExample("Ann in Rome", [new EntitySpan(0, 3, "PER"), new EntitySpan(7, 11, "LOC")]),
            new NerExample("Bob", [new EntitySpan(0, 3, "PER")]),
        ]));
        Assert.Equal(DataTask.Ner, schema.Task);
        Assert.Equal(["LOC", "PER"], schema.Labels.Select(l => l.Name));
    }

    [Fact]
    public void RepeatedLabelsAreRejected() =>
        Assert.Throws<ArgumentException>(() => new LabelSchema(DataTask.Ner, [new LabelDefinition("A"), new LabelDefinition("A")]));
}
