using Locus.Data;

namespace Locus.Tests.Data;

public class ValidationTests
{
    private static readonly LabelSchema NerSchema = new(DataTask.Ner, [new LabelDefinition("PER", "people"), new LabelDefinition("LOC")]);
    private static readonly LabelSchema TcSchema = new(DataTask.Classification, [new LabelDefinition("pos"), new LabelDefinition("neg")]);

    private static ValidationReport Validate(LabelSchema? schema, params Example[] examples)
    {
        var report = new ValidationReport();
        var validator = new ExampleValidator(report, schema);
        var line = 10;
        foreach (var example in examples) validator.Check(new DataRecord(example, "d.jsonl", line++));
        return report;
    }

    private static DataIssue SingleIssue(ValidationReport report, IssueSeverity severity, int line, string? field, string problem)
    {
        var issue = Assert.Single(report.Issues);
        Assert.Equal((severity, "d.jsonl", line, field), (issue.Severity, issue.Source, issue.Line, issue.Field));
        Assert.Contains(problem, issue.Problem);
        return issue;
    }

    [Fact]
    public void AValidDataSetHasNoIssues()
    {
        var report = Validate(NerSchema, new NerExample("Ann met Bob in Rome", [new EntitySpan(0, 3, "PER"), new EntitySpan(8, 11, "PER"), new EntitySpan(15, 19, "LOC")]));
        Assert.Empty(report.Issues);
        Assert.True(report.IsValid);
        Assert.Equal((1, 0), (report.RecordCount, report.InvalidRecordCount));
    }

    [Theory]
    [InlineData(-1, 3, "spans[0].start", "-1 is outside the text (0 to 9)")]
    [InlineData(0, 12, "spans[0].end", "12 is outside the text (0 to 9)")]
    [InlineData(4, 4, "spans[0]", "empty span (start = end = 4)")]
    [InlineData(5, 2, "spans[0]", "start 5 is after end 2")]
    [InlineData(3, 4, "spans[0]", "covers only whitespace")]
    public void SpanRangeErrors(int start, int end, string field, string problem)
    {
        var report = Validate(NerSchema, new NerExample("Ann  Rome", [new EntitySpan(start, end, "PER")]));
        SingleIssue(report, IssueSeverity.Error, 10, field, problem);
        Assert.Equal(1, report.InvalidRecordCount);
    }

    [Fact]
    public void LabelsOutsideTheSchemaAndEmptyLabelsAreErrors()
    {
        var report = Validate(NerSchema, new NerExample("Ann in Rome", [new EntitySpan(0, 3, "PERSON"), new EntitySpan(7, 11, " ")]));
        Assert.Equal(2, report.ErrorCount);
        Assert.Equal(("spans[0].label", "'PERSON' is not in the schema (labels: PER, LOC)"), (report.Issues[0].Field, report.Issues[0].Problem));
        Assert.Equal(("spans[1].label", "empty label"), (report.Issues[1].Field, report.Issues[1].Problem));
        Assert.Equal(1, report.InvalidRecordCount);
    }

    [Fact]
    public void OverlappingAndRepeatedSpansAreErrors()
    {
        var report = Validate(null,
            new NerExample("New York City", [new EntitySpan(0, 13, "LOC"), new EntitySpan(4, 8, "LOC")]),
            new NerExample("Rome is nice", [new EntitySpan(0, 4, "LOC"), new EntitySpan(0, 4, "LOC")]));
        Assert.Equal(2, report.ErrorCount);
        Assert.Equal((10, "spans[1]"), (report.Issues[0].Line, report.Issues[0].Field));
        Assert.Equal("'York' [4, 8) LOC overlaps spans[0] [0, 13) LOC", report.Issues[0].Problem);
        Assert.Equal((11, "spans[1]", "duplicate of spans[0]"), (report.Issues[1].Line, report.Issues[1].Field, report.Issues[1].Problem));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData(" \t\n", "only whitespace")]
    public void EmptyTextIsAnError(string text, string problem) =>
        SingleIssue(Validate(null, new ClassificationExample(text, "pos")), IssueSeverity.Error, 10, "text", problem);

    [Fact]
    public void SpanWithSurroundingWhitespaceIsAWarningOnly()
    {
        var report = Validate(NerSchema, new NerExample("in Rome today", [new EntitySpan(2, 7, "LOC")]));
        SingleIssue(report, IssueSeverity.Warning, 10, "spans[0]", "has leading or trailing whitespace: ' Rome'");
        Assert.True(report.IsValid);
    }

    [Fact]
    public void SpanSplittingASurrogatePairIsAnError() =>
        SingleIssue(Validate(null, new NerExample("a 😀 b", [new EntitySpan(2, 3, "X")])), IssueSeverity.Error, 10, "spans[0]", "surrogate pair");

    [Fact]
    public void DuplicatesAndConflictingCopiesAreWarnings()
    {
        var report = Validate(TcSchema,
            new ClassificationExample("great", "pos"),
            new ClassificationExample("awful", "neg"),
            new ClassificationExample("great", "pos"),
            new ClassificationExample("great", "neg"));
        Assert.Equal(0, report.ErrorCount);
        Assert.Equal(["d.jsonl:12: field 'text': duplicate of the example on line 10", "d.jsonl:13: field 'text': same text as line 10 but annotated differently"],
            report.Warnings.Select(w => w.ToString().Replace("warning: ", "")));
    }

    [Fact]
    public void ClassificationLabelErrors()
    {
        var report = Validate(TcSchema,
            new ClassificationExample("a", "maybe"),
            new ClassificationExample("b", ""),
            new ClassificationExample("c", ["pos", "other", "pos"]));
        Assert.Equal([(10, "label", IssueSeverity.Error), (11, "label", IssueSeverity.Error), (12, "labels[1]", IssueSeverity.Error), (12, "labels[2]", IssueSeverity.Warning)],
            report.Issues.Select(i => (i.Line, i.Field!, i.Severity)));
        Assert.Equal(3, report.InvalidRecordCount);
    }

    [Fact]
    public void ATaskThatDoesNotMatchTheSchemaIsAnError() =>
        SingleIssue(Validate(NerSchema, new ClassificationExample("a", "PER")), IssueSeverity.Error, 10, null, "a classification example, but the schema is for ner");

    [Fact]
    public void IssuesPrintAsFileLineFieldProblem()
    {
        Assert.Equal("d.jsonl:3: field 'spans[0].end': out of range", DataIssue.Error("d.jsonl", 3, "spans[0].end", "out of range").ToString());
        Assert.Equal("warning: d.jsonl:3: duplicate", DataIssue.Warning("d.jsonl", 3, null, "duplicate").ToString());
        Assert.Equal("d.jsonl: empty", DataIssue.Error("d.jsonl", 0, null, "empty").ToString());
    }
}
