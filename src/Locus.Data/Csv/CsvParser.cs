using System.Text;

namespace Locus.Data;

/// <summary>
/// An RFC 4180 CSV parser: fields separated by a delimiter, optionally enclosed in double quotes, a doubled
/// quote standing for one quote inside a quoted field, and line breaks (CRLF, LF or CR) ending records except
/// inside quotes, where they are kept exactly. Empty lines are skipped. A record with a stray quote is returned
/// with a <see cref="CsvRow.Problem"/> and parsing resumes on the next line.
/// </summary>
public sealed class CsvParser(TextReader reader, char delimiter = ',')
{
    private int _line = 1;
    private int _pushedBack = -1;

    /// <summary>The records, in order.</summary>
    public IEnumerable<CsvRow> ReadRows()
    {
        while (Peek() >= 0)
        {
            if (TryReadRow() is { } row) yield return row;
        }
    }

    private CsvRow? TryReadRow()
    {
        var startLine = _line;
        if (SkipLineBreak()) return null;
        var fields = new List<string>();
        var field = new StringBuilder();
        while (true)
        {
            var c = Read();
            if (c == '"' && field.Length == 0)
            {
                if (ReadQuoted(field) is { } problem) return Fail(fields, startLine, problem);
                c = Read();
                if (c >= 0 && c != delimiter && c != '\r' && c != '\n')
                    return Fail(fields, startLine, $"unexpected '{(char)c}' after the closing quote of field {fields.Count + 1} (a quote inside a quoted field is written twice)");
            }
            else if (c == '"')
                return Fail(fields, startLine, $"quote inside the unquoted field {fields.Count + 1} (enclose the field in quotes and double the quote)");
            else if (c >= 0 && c != delimiter && c != '\r' && c != '\n')
            {
                field.Append((char)c);
                continue;
            }

            fields.Add(field.ToString());
            field.Clear();
            if (c == delimiter) continue;
            if (c >= 0) EndLine(c);
            return new CsvRow(fields, startLine);
        }
    }

    // Reads a quoted field's content after its opening quote, up to and including the closing quote.
    private string? ReadQuoted(StringBuilder field)
    {
        var startLine = _line;
        while (true)
        {
            var c = Read();
            if (c < 0) return $"quoted field opened on line {startLine} is never closed";
            if (c == '"')
            {
                if (Peek() != '"') return null;
                Read();
            }
            if (c == '\n' || (c == '\r' && Peek() != '\n')) _line++;
            field.Append((char)c);
        }
    }

    private CsvRow Fail(List<string> fields, int startLine, string problem)
    {
        // Resynchronise at the next line break so that one bad record does not hide the rest of the file.
        int c;
        while ((c = Read()) >= 0 && c != '\r' && c != '\n') { }
        if (c >= 0) EndLine(c);
        return new CsvRow(fields, startLine, problem);
    }

    private bool SkipLineBreak()
    {
        var c = Peek();
        if (c != '\r' && c != '\n') return false;
        EndLine(Read());
        return true;
    }

    private void EndLine(int c)
    {
        if (c == '\r' && Peek() == '\n') Read();
        _line++;
    }

    private int Read()
    {
        if (_pushedBack < 0) return reader.Read();
        var c = _pushedBack;
        _pushedBack = -1;
        return c;
    }

    private int Peek() => _pushedBack >= 0 ? _pushedBack : _pushedBack = reader.Read();
}
