namespace Locus.Data;

/// <summary>Resolves the text and label columns of a CSV file from <see cref="CsvOptions"/> and its header.</summary>
internal static class CsvColumns
{
    public static (int Text, int Label) Resolve(CsvOptions options, IReadOnlyList<string>? header, string source)
    {
        var text = Find(options.TextColumn, "text", header, source, "--text-column") ;
        var label = options.LabelColumn is not null || header is null
            ? Find(options.LabelColumn, null, header, source, "--label-column", fallbackIndex: 1)
            : CsvOptions.DefaultLabelColumns.Select(name => IndexOf(header, name)).FirstOrDefault(i => i >= 0, -1);
        if (label < 0)
            throw new DataFormatException(source, 1, null,
                $"no label column: the header has {string.Join(", ", header!.Select(h => $"'{h}'"))}, none of {string.Join(", ", CsvOptions.DefaultLabelColumns)}; choose one with --label-column");
        if (text == label) throw new DataFormatException(source, 1, null, $"the text and label columns are the same column ({text})");
        return (text, label);
    }

    private static int Find(string? wanted, string? defaultName, IReadOnlyList<string>? header, string source, string flag, int fallbackIndex = 0)
    {
        if (wanted is null)
        {
            if (header is null) return fallbackIndex;
            var index = IndexOf(header, defaultName!);
            return index >= 0 ? index : throw new DataFormatException(source, 1, null,
                $"no '{defaultName}' column in the header ({string.Join(", ", header.Select(h => $"'{h}'"))}); choose one with {flag}");
        }
        if (header is not null && IndexOf(header, wanted) is var named and >= 0) return named;
        if (int.TryParse(wanted, out var position) && position >= 0) return position;
        throw new DataFormatException(source, 1, null, header is null
            ? $"column '{wanted}' is not a 0-based index and the file has no header"
            : $"no column '{wanted}' in the header ({string.Join(", ", header.Select(h => $"'{h}'"))})");
    }

    // Exact match first, then case-insensitive.
    private static int IndexOf(IReadOnlyList<string> header, string name)
    {
        for (var i = 0; i < header.Count; i++) if (header[i] == name) return i;
        for (var i = 0; i < header.Count; i++) if (string.Equals(header[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }
}
