using System.Globalization;
using System.Text;

namespace Locus.Specialization.Runs;

/// <summary>A plain-text table: left-aligned columns separated by two spaces, as the run commands print them.</summary>
public sealed class TextTable
{
    private readonly List<string[]> _rows = [];

    /// <summary>Starts a table with a header row.</summary>
    public TextTable(params string[] header) => _rows.Add(header);

    /// <summary>Adds a row (missing cells print empty).</summary>
    public TextTable Add(params string[] cells)
    {
        _rows.Add(cells);
        return this;
    }

    /// <summary>The table, one line per row, each ending in a newline.</summary>
    public override string ToString()
    {
        var columns = _rows.Max(r => r.Length);
        var widths = Enumerable.Range(0, columns).Select(c => _rows.Max(r => c < r.Length ? r[c].Length : 0)).ToArray();
        var text = new StringBuilder();
        foreach (var row in _rows)
        {
            var cells = Enumerable.Range(0, columns).Select(c => (c < row.Length ? row[c] : "").PadRight(widths[c]));
            text.Append(string.Join("  ", cells).TrimEnd()).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>A score with four decimals, invariant culture.</summary>
    public static string Score(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    /// <summary>A signed difference with four decimals: <c>+0.0500</c>, <c>-0.0100</c>.</summary>
    public static string Delta(double value) => value.ToString("+0.0000;-0.0000;+0.0000", CultureInfo.InvariantCulture);

    /// <summary>Seconds with one decimal and a unit: <c>12.5s</c>.</summary>
    public static string Seconds(double seconds) => seconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";

    /// <summary>A UTC time to the second: <c>2026-11-24 02:17:26Z</c>.</summary>
    public static string Utc(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
