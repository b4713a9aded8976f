using System.Text.Json;

namespace Locus.Atlas.Data;

/// <summary>
/// Reads query texts from JSON Lines: an id (<c>query_id</c>, <c>idx</c> or <c>id</c>) and a text
/// (<c>query_text</c>, <c>text</c> or <c>instruction</c>) per line.
/// </summary>
public static class QueryTextReader
{
    private static readonly string[] IdFields = ["query_id", "idx", "id"];
    private static readonly string[] TextFields = ["query_text", "text", "instruction"];

    /// <summary>Reads the texts; ids must be unique, and when <paramref name="knownQueries"/> is given every id must be one of them.</summary>
    public static Dictionary<string, string> Read(string path, Func<string, bool>? knownQueries = null)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (lineNo, o) in JsonlObjects.Read(path))
        {
            var idField = IdFields.FirstOrDefault(f => o.TryGetProperty(f, out _))
                ?? throw new DataFormatException(path, lineNo, "query_id", "is missing (also looked for 'idx' and 'id')");
            var id = EvaluationJsonlReader.QueryId(o, idField, path, lineNo)!;
            var textField = TextFields.FirstOrDefault(f => o.TryGetProperty(f, out _))
                ?? throw new DataFormatException(path, lineNo, "query_text", "is missing (also looked for 'text' and 'instruction')");
            var text = EvaluationJsonlReader.RequiredString(o, textField, path, lineNo);
            if (knownQueries is not null && !knownQueries(id))
                throw new DataFormatException(path, lineNo, idField, $"unknown query id '{id}' (not in the evaluation data)");
            if (!texts.TryAdd(id, text)) throw new DataFormatException(path, lineNo, idField, $"duplicate query id '{id}'");
        }
        return texts;
    }
}
