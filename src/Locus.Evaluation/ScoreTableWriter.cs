using System.Globalization;
using System.Text;

namespace Locus.Evaluation;

/// <summary>
/// Writes the fixed-width text table of seqeval's and scikit-learn's <c>classification_report</c>:
/// a header of right-aligned column names, one row per label, a blank line, then the average rows.
/// Numbers use invariant culture; .NET's fixed-point formatting rounds the exact binary value half-to-even,
/// as Python's does, so the digits agree.
/// </summary>
internal sealed class ScoreTableWriter
{
    private const int ColumnWidth = 9;
    private readonly StringBuilder _text = new();
    private readonly int _width;
    private readonly int _digits;

    /// <param name="rowNames">Every row heading that will be written, to size the first column.</param>
    /// <param name="digits">Digits after the decimal point.</param>
    public ScoreTableWriter(IEnumerable<string> rowNames, int digits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(digits);
        _digits = digits;
        _width = Math.Max(rowNames.Select(n => n.Length).DefaultIfEmpty(0).Max(), Math.Max("weighted avg".Length, digits));
        _text.Append(new string(' ', _width)).Append(' ');
        foreach (var header in new[] { "precision", "recall", "f1-score", "support" }) _text.Append(' ').Append(header.PadLeft(ColumnWidth));
        _text.Append("\n\n");
    }

    /// <summary>Writes one row of precision, recall, F1 and support.</summary>
    public void Row(string name, double precision, double recall, double f1, int support)
    {
        Name(name);
        foreach (var value in new[] { precision, recall, f1 }) Number(value);
        Cell(support.ToString(CultureInfo.InvariantCulture));
        _text.Append('\n');
    }

    /// <summary>Writes scikit-learn's accuracy row: two empty cells, the accuracy under f1-score, then the count.</summary>
    public void AccuracyRow(double accuracy, int count)
    {
        Name("accuracy");
        Cell("");
        Cell("");
        Number(accuracy);
        Cell(count.ToString(CultureInfo.InvariantCulture));
        _text.Append('\n');
    }

    /// <summary>Writes an empty line between the label rows and the averages.</summary>
    public void Blank() => _text.Append('\n');

    /// <inheritdoc />
    public override string ToString() => _text.ToString();

    private void Name(string name) => _text.Append(name.PadLeft(_width)).Append(' ');

    private void Number(double value) => Cell(value.ToString("F" + _digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));

    private void Cell(string content) => _text.Append(' ').Append(content.PadLeft(ColumnWidth));
}
