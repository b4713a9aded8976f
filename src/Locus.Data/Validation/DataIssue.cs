namespace Locus.Data;

/// <summary>How serious a <see cref="DataIssue"/> is.</summary>
public enum IssueSeverity
{
    /// <summary>The record is wrong and cannot be used as it is.</summary>
    Error,

    /// <summary>The record is usable but suspicious (a duplicate, stray whitespace in a span).</summary>
    Warning,
}

/// <summary>One problem found in a data file, located by file, line and field.</summary>
/// <param name="Severity">Error or warning.</param>
/// <param name="Source">The file (or stream name).</param>
/// <param name="Line">1-based line, 0 when the problem concerns the whole file.</param>
/// <param name="Field">The field at fault (<c>text</c>, <c>spans[2].end</c>, <c>tag</c>), or null.</param>
/// <param name="Problem">What is wrong, without the location.</param>
public sealed record DataIssue(IssueSeverity Severity, string Source, int Line, string? Field, string Problem)
{
    /// <summary>Creates an error issue.</summary>
    public static DataIssue Error(string source, int line, string? field, string problem) =>
        new(IssueSeverity.Error, source, line, field, problem);

    /// <summary>Creates a warning issue.</summary>
    public static DataIssue Warning(string source, int line, string? field, string problem) =>
        new(IssueSeverity.Warning, source, line, field, problem);

    /// <summary>The issue from a <see cref="DataFormatException"/>, which is always an error.</summary>
    public static DataIssue From(DataFormatException e) => Error(e.File, e.Line, e.Field, e.Problem);

    /// <summary>The exception a strict reader throws for this issue.</summary>
    public DataFormatException ToException() => new(Source, Line, Field, Problem);

    /// <summary><c>file:line: field 'x': problem</c>, prefixed with <c>warning: </c> for warnings.</summary>
    public override string ToString()
    {
        var text = DataFormatException.Format(Source, Line, Field, Problem);
        return Severity == IssueSeverity.Warning ? "warning: " + text : text;
    }
}
