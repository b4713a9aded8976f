using System.Text.Json;

namespace Locus.Atlas.Data;

/// <summary>
/// Reads evaluation records from JSON Lines: one object per line with <c>model</c>, <c>query_id</c>
/// (string or integer), <c>score</c> (0/1 or [0, 1]) and optional <c>query_text</c> and <c>cost</c>.
/// Blank lines are skipped.
/// </summary>
public static class EvaluationJsonlReader
{
    /// <summary>Reads every record of <paramref name="path"/> into <paramref name="builder"/>.</summary>
    public static void ReadInto(string path, EvaluationTableBuilder builder, double? binarizeAbove = null)
    {
        foreach (var (lineNo, o) in JsonlObjects.Read(path))
        {
            var model = RequiredString(o, "model", path, lineNo);
            var query = QueryId(o, "query_id", path, lineNo) ?? throw new DataFormatException(path, lineNo, "query_id", "is missing");
            var score = Number(o, "score", path, lineNo) ?? throw new DataFormatException(path, lineNo, "score", "is missing");
            if (binarizeAbove is { } t) score = score > t ? 1 : 0;
            string? text = o.TryGetProperty("query_text", out var tx) && tx.ValueKind != JsonValueKind.Null
                ? tx.ValueKind == JsonValueKind.String ? tx.GetString() : throw new DataFormatException(path, lineNo, "query_text", "must be a string")
                : null;
            builder.Add(new EvaluationRecord(model, query, score, text, Number(o, "cost", path, lineNo)), path, lineNo);
        }
    }

    /// <summary>Reads a string property that must be present and non-empty.</summary>
    internal static string RequiredString(JsonElement o, string name, string path, int line)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) throw new DataFormatException(path, line, name, "is missing");
        if (v.ValueKind != JsonValueKind.String) throw new DataFormatException(path, line, name, "must be a string");
        return v.GetString()!;
    }

    /// <summary>Reads an identifier given as a string or an integer; null when absent.</summary>
    internal static string? QueryId(JsonElement o, string name, string path, int line)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number when v.TryGetInt64(out var n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => throw new DataFormatException(path, line, name, "must be a string or an integer"),
        };
    }

    private static double? Number(JsonElement o, string name, string path, int line)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number) throw new DataFormatException(path, line, name, "must be a number");
        return v.GetDouble();
    }
}
