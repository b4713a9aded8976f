namespace Locus.Data;

/// <summary>
/// What a reader does with a record it cannot parse: throw when no report was given (strict reading), or
/// add the error to the report, count the record as invalid and go on (validation, <c>--skip-invalid</c>).
/// </summary>
internal static class RecordRejection
{
    public static void Reject(DataIssue issue, ValidationReport? report)
    {
        if (report is null) throw issue.ToException();
        report.Add(issue);
        report.CountRecord(valid: false);
    }
}
