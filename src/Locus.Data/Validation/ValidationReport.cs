namespace Locus.Data;

/// <summary>
/// Collects the problems found while reading and checking a data set, and counts records.
/// Readers given a report add malformed records to it instead of throwing.
/// </summary>
public sealed class ValidationReport
{
    private readonly List<DataIssue> _issues = [];

    /// <summary>Every issue, in the order found.</summary>
    public IReadOnlyList<DataIssue> Issues => _issues;

    /// <summary>The errors.</summary>
    public IEnumerable<DataIssue> Errors => _issues.Where(i => i.Severity == IssueSeverity.Error);

    /// <summary>The warnings.</summary>
    public IEnumerable<DataIssue> Warnings => _issues.Where(i => i.Severity == IssueSeverity.Warning);

    /// <summary>Number of errors.</summary>
    public int ErrorCount { get; private set; }

    /// <summary>Number of warnings.</summary>
    public int WarningCount => _issues.Count - ErrorCount;

    /// <summary>Whether no error was found (warnings allowed).</summary>
    public bool IsValid => ErrorCount == 0;

    /// <summary>Records seen, valid or not, including malformed lines that could not be parsed.</summary>
    public int RecordCount { get; private set; }

    /// <summary>Records that had at least one error (these are the ones <c>--skip-invalid</c> drops).</summary>
    public int InvalidRecordCount { get; private set; }

    /// <summary>Adds an issue.</summary>
    public void Add(DataIssue issue)
    {
        _issues.Add(issue);
        if (issue.Severity == IssueSeverity.Error) ErrorCount++;
    }

    /// <summary>Counts one record and whether it was invalid.</summary>
    public void CountRecord(bool valid)
    {
        RecordCount++;
        if (!valid) InvalidRecordCount++;
    }
}
