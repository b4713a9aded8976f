using System.Text.Json;

namespace Locus.Atlas.Data;

/// <summary>A query to encode: its id and, when known, its text.</summary>
/// <param name="Id">Query id.</param>
/// <param name="Text">Query text, or null.</param>
public sealed record QueryRef(string Id, string? Text);

/// <summary>Reads a list of queries (to route, or to cover with a portfolio) from JSONL: an id (<c>query_id</c>/<c>idx</c>/<c>id</c>) and optional text.</summary>
public static class QueryListReader
{
    /// <summary>Reads the queries in file order; duplicate ids are an error.</summary>
    public static IReadOnlyList<QueryRef> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"query file not found: {path}");
        var result = new List<QueryRef>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (lineNo, o) in JsonlObjects.Read(path))
        {
            var id = EvaluationJsonlReader.QueryId(o, "query_id", path, lineNo) ?? EvaluationJsonlReader.QueryId(o, "idx", path, lineNo) ?? EvaluationJsonlReader.QueryId(o, "id", path, lineNo)
                ?? $"line{lineNo}";
            string? text = null;
            foreach (var field in new[] { "query_text", "text", "instruction" })
                if (o.TryGetProperty(field, out var t) && t.ValueKind != JsonValueKind.Null) { text = EvaluationJsonlReader.RequiredString(o, field, path, lineNo); break; }
            if (!seen.Add(id)) throw new DataFormatException(path, lineNo, "query_id", $"duplicate query id '{id}'");
            result.Add(new QueryRef(id, text));
        }
        if (result.Count == 0) throw new DataFormatException(path, 0, null, "no queries");
        return result;
    }
}
