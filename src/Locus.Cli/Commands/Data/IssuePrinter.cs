using Locus.Data;

namespace Locus.Cli.Commands.Data;

/// <summary>Prints validation issues one per line, as <c>file:line: field 'x': problem</c>.</summary>
internal static class IssuePrinter
{
    /// <summary>Prints at most <paramref name="limit"/> issues, errors first, and says how many more there were.</summary>
    public static void Print(TextWriter writer, ValidationReport report, int limit = int.MaxValue, string? moreHint = null)
    {
        var ordered = report.Errors.Concat(report.Warnings).ToList();
        foreach (var issue in ordered.Take(limit)) writer.WriteLine(issue);
        if (ordered.Count > limit)
            writer.WriteLine($"... and {ordered.Count - limit} more issues{(moreHint is null ? "" : $" ({moreHint})")}");
    }

    /// <summary>One line: records, invalid records, errors and warnings.</summary>
    public static string Summary(ValidationReport report) =>
        $"{report.RecordCount} records, {report.InvalidRecordCount} invalid; {report.ErrorCount} errors, {report.WarningCount} warnings";
}
