using System.Text.Json;

namespace Locus.Atlas.Data;

/// <summary>
/// Writes evaluation records as JSON Lines in the layout <see cref="EvaluationJsonlReader"/> reads: <c>model</c>,
/// <c>query_id</c>, <c>query_text</c>, <c>score</c> and <c>cost</c> (left out when unknown).
/// </summary>
public static class EvaluationJsonlWriter
{
    sealed record Line(string Model, string QueryId, string? QueryText, double Score, double? Cost);

    /// <summary>One JSON line for <paramref name="record"/>.</summary>
    public static string ToLine(EvaluationRecord record) =>
        JsonSerializer.Serialize(new Line(record.Model, record.QueryId, record.QueryText, record.Score, record.Cost), LocusJson.Compact);

    /// <summary>Writes <paramref name="records"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, IEnumerable<EvaluationRecord> records) =>
        AtomicFile.WriteAllText(path, string.Concat(records.Select(r => ToLine(r) + "\n")));
}
