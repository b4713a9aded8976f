namespace Locus.Data;

/// <summary>One CSV record: its fields, the line it starts on, and the problem that made it unreadable, if any.</summary>
/// <param name="Fields">The unquoted field values.</param>
/// <param name="Line">1-based line on which the record starts (quoted fields may span lines).</param>
/// <param name="Problem">Null when the record parsed; otherwise what is wrong with it.</param>
public sealed record CsvRow(IReadOnlyList<string> Fields, int Line, string? Problem = null);
