using System.Globalization;

namespace Locus.Atlas.Data;

/// <summary>
/// Reads a score matrix from CSV: models as rows (first column = model name, header = query ids) or as
/// columns (first column = query id, header = model names). Empty cells mean "not evaluated".
/// </summary>
public static class EvaluationMatrixCsvReader
{
    /// <summary>Reads the matrix into <paramref name="builder"/>; <paramref name="binarizeAbove"/> maps scores above it to 1 and the rest to 0.</summary>
    public static void ReadInto(string path, EvaluationTableBuilder builder, MatrixOrientation orientation = MatrixOrientation.Auto, double? binarizeAbove = null)
    {
        using var reader = Locus.Data.DataFiles.OpenText(path);
        var header = reader.ReadLine() is { } h ? SplitCsvLine(h, path, 1) : throw new DataFormatException(path, 1, null, "the file is empty");
        if (header.Count < 2) throw new DataFormatException(path, 1, null, "the header needs a label column and at least one more column");
        if (orientation == MatrixOrientation.Auto)
        {
            var first = header[0].Trim().ToLowerInvariant();
            orientation = first is "model" or "models" or "model_name" ? MatrixOrientation.ModelsAsRows : MatrixOrientation.ModelsAsColumns;
        }
        var seenColumns = new HashSet<string>(StringComparer.Ordinal);
        for (int c = 1; c < header.Count; c++)
        {
            if (string.IsNullOrWhiteSpace(header[c])) throw new DataFormatException(path, 1, $"column {c + 1}", "empty header cell");
            if (!seenColumns.Add(header[c])) throw new DataFormatException(path, 1, header[c], "duplicate column name");
        }
        // Models seen in the file and those with at least one score: a model whose cells are all empty would
        // otherwise vanish from the table without a word.
        var named = new List<(string Model, string Where)>();
        if (orientation == MatrixOrientation.ModelsAsColumns) named.AddRange(header.Skip(1).Select((m, i) => (m, $"column {i + 2}")));
        var scored = new HashSet<string>(StringComparer.Ordinal);
        int lineNo = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var cells = SplitCsvLine(line, path, lineNo);
            if (cells.Count != header.Count)
                throw new DataFormatException(path, lineNo, null, $"{cells.Count} cells but the header has {header.Count}");
            var rowLabel = cells[0];
            if (string.IsNullOrWhiteSpace(rowLabel)) throw new DataFormatException(path, lineNo, header[0] == "" ? "column 1" : header[0], "empty row label");
            if (orientation == MatrixOrientation.ModelsAsRows) named.Add((rowLabel, $"line {lineNo}"));
            for (int c = 1; c < cells.Count; c++)
            {
                var cell = cells[c].Trim();
                if (cell.Length == 0 || cell.Equals("nan", StringComparison.OrdinalIgnoreCase)) continue;
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var score))
                    throw new DataFormatException(path, lineNo, header[c], $"'{cell}' is not a number");
                if (binarizeAbove is { } t) score = score > t ? 1 : 0;
                var (model, query) = orientation == MatrixOrientation.ModelsAsRows ? (rowLabel, header[c]) : (header[c], rowLabel);
                scored.Add(model);
                try { builder.Add(new EvaluationRecord(model, query, score), path, lineNo); }
                catch (DataFormatException e) when (e.Field is "score" or "query_id")
                {
                    // Re-anchor the problem on the CSV column, which is what the user can find in the file.
                    throw new DataFormatException(path, lineNo, header[c], e.Problem);
                }
            }
        }
        if (named.FirstOrDefault(n => !scored.Contains(n.Model)) is { Model: not null } empty)
            throw new DataFormatException(path, 0, empty.Model, $"the model has no evaluations (every cell of its {empty.Where} is empty); fill in its scores or remove it");
    }

    /// <summary>Splits one CSV line (RFC 4180 quoting, no embedded newlines).</summary>
    internal static List<string> SplitCsvLine(string line, string path, int lineNo)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else cell.Append(ch);
            }
            else if (ch == '"' && cell.Length == 0) quoted = true;
            else if (ch == ',') { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(ch);
        }
        if (quoted) throw new DataFormatException(path, lineNo, null, "unterminated quoted cell");
        cells.Add(cell.ToString());
        return cells;
    }
}
