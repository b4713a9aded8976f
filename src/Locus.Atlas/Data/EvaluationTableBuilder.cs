namespace Locus.Atlas.Data;

/// <summary>
/// Collects evaluation records, rejecting duplicates (same model and query twice), conflicting query texts
/// and scores or costs out of range, with the file and line of the offending record.
/// </summary>
public sealed class EvaluationTableBuilder
{
    private readonly List<string> _models = [];
    private readonly List<string> _queries = [];
    private readonly Dictionary<string, int> _modelIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _queryIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<(int, int), (double Score, double Cost, string Where)> _cells = [];
    private readonly Dictionary<string, string> _texts = new(StringComparer.Ordinal);

    /// <summary>Adds one record read from <paramref name="file"/> at 1-based <paramref name="line"/> (0 when not from a file).</summary>
    public void Add(EvaluationRecord record, string file = "<memory>", int line = 0)
    {
        if (string.IsNullOrWhiteSpace(record.Model)) throw new DataFormatException(file, line, "model", "is empty");
        if (string.IsNullOrWhiteSpace(record.QueryId)) throw new DataFormatException(file, line, "query_id", "is empty");
        if (!(record.Score >= 0 && record.Score <= 1))
            throw new DataFormatException(file, line, "score", $"{record.Score} is outside [0, 1] (binarise or rescale graded scores first)");
        if (record.Cost is { } c && !(c >= 0 && double.IsFinite(c)))
            throw new DataFormatException(file, line, "cost", $"{c} is not a finite non-negative number");
        int m = IndexOf(_modelIndex, _models, record.Model);
        int q = IndexOf(_queryIndex, _queries, record.QueryId);
        var where = line > 0 ? $"{file}:{line}" : file;
        if (_cells.TryGetValue((m, q), out var earlier))
            throw new DataFormatException(file, line, "query_id", $"duplicate evaluation of model '{record.Model}' on query '{record.QueryId}' (first at {earlier.Where})");
        _cells[(m, q)] = (record.Score, record.Cost ?? double.NaN, where);
        if (record.QueryText is { } text)
        {
            if (_texts.TryGetValue(record.QueryId, out var known) && known != text)
                throw new DataFormatException(file, line, "query_text", $"query '{record.QueryId}' has a different text than earlier");
            _texts[record.QueryId] = text;
        }
    }

    /// <summary>Builds the dense table; throws when no record was added.</summary>
    public EvaluationTable Build()
    {
        if (_cells.Count == 0) throw new LocusException("no evaluation records");
        var scores = new double[_models.Count * _queries.Count];
        var costs = new double[scores.Length];
        Array.Fill(scores, double.NaN);
        Array.Fill(costs, double.NaN);
        foreach (var ((m, q), cell) in _cells)
        {
            scores[m * _queries.Count + q] = cell.Score;
            costs[m * _queries.Count + q] = cell.Cost;
        }
        return new EvaluationTable(_models.ToArray(), _queries.ToArray(), scores, costs, new Dictionary<string, string>(_texts, StringComparer.Ordinal));
    }

    private static int IndexOf(Dictionary<string, int> index, List<string> names, string name)
    {
        if (index.TryGetValue(name, out var i)) return i;
        index[name] = names.Count;
        names.Add(name);
        return names.Count - 1;
    }
}
