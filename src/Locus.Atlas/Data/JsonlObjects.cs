using System.Text.Json;

namespace Locus.Atlas.Data;

/// <summary>Reads a JSONL file as one JSON object per non-blank line, with errors naming the file and line.</summary>
internal static class JsonlObjects
{
    /// <summary>
    /// Yields (1-based line, object) for every non-blank line. The element is valid until the next item is
    /// requested: read what you need from it inside the loop body.
    /// </summary>
    public static IEnumerable<(int Line, JsonElement Object)> Read(string path)
    {
        var lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonDocument doc;
            try { doc = JsonDocument.Parse(line); }
            catch (JsonException e) { throw new DataFormatException(path, lineNo, null, $"not valid JSON ({e.Message})"); }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new DataFormatException(path, lineNo, null, "expected a JSON object");
                yield return (lineNo, doc.RootElement);
            }
        }
    }
}
