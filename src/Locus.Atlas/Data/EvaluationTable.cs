namespace Locus.Atlas.Data;

/// <summary>
/// A dense models x queries table of evaluation scores (NaN where a model was not evaluated on a query),
/// with optional per-evaluation costs and per-query texts. Built by <see cref="EvaluationTableBuilder"/>.
/// </summary>
public sealed class EvaluationTable
{
    private readonly double[] _scores;
    private readonly double[] _costs;
    private readonly Dictionary<string, int> _modelIndex;
    private readonly Dictionary<string, int> _queryIndex;

    internal EvaluationTable(IReadOnlyList<string> models, IReadOnlyList<string> queries, double[] scores, double[] costs, IReadOnlyDictionary<string, string> texts)
    {
        Models = models;
        Queries = queries;
        _scores = scores;
        _costs = costs;
        QueryTexts = texts;
        _modelIndex = models.Select((m, i) => (m, i)).ToDictionary(p => p.m, p => p.i, StringComparer.Ordinal);
        _queryIndex = queries.Select((q, i) => (q, i)).ToDictionary(p => p.q, p => p.i, StringComparer.Ordinal);
    }

    /// <summary>Model names in first-seen order.</summary>
    public IReadOnlyList<string> Models { get; }

    /// <summary>Query identifiers in first-seen order.</summary>
    public IReadOnlyList<string> Queries { get; }

    /// <summary>Query texts by query id (only queries that have one).</summary>
    public IReadOnlyDictionary<string, string> QueryTexts { get; }

    /// <summary>True when every query has a text.</summary>
    public bool HasAllTexts => Queries.All(QueryTexts.ContainsKey);

    /// <summary>The score of model <paramref name="model"/> on query <paramref name="query"/> (indices), NaN if not evaluated.</summary>
    public double Score(int model, int query) => _scores[model * Queries.Count + query];

    /// <summary>The cost of one evaluation, NaN when unknown.</summary>
    public double Cost(int model, int query) => _costs[model * Queries.Count + query];

    /// <summary>True when the model was evaluated on the query.</summary>
    public bool Has(int model, int query) => !double.IsNaN(Score(model, query));

    /// <summary>Index of a model; throws a <see cref="LocusException"/> naming the model when unknown.</summary>
    public int ModelIndex(string model) =>
        _modelIndex.TryGetValue(model, out var i) ? i : throw new LocusException($"unknown model '{model}' (the data has {Models.Count} models: {string.Join(", ", Models.Take(8))}{(Models.Count > 8 ? ", ..." : "")})");

    /// <summary>Index of a query; throws a <see cref="LocusException"/> when unknown.</summary>
    public int QueryIndex(string query) =>
        _queryIndex.TryGetValue(query, out var i) ? i : throw new LocusException($"unknown query id '{query}'");

    /// <summary>Whether the table knows this model.</summary>
    public bool ContainsModel(string model) => _modelIndex.ContainsKey(model);

    /// <summary>Whether the table knows this query.</summary>
    public bool ContainsQuery(string query) => _queryIndex.ContainsKey(query);

    /// <summary>Mean cost of a model over its evaluations with a known cost, or null when none is known.</summary>
    public double? MeanCost(int model)
    {
        double sum = 0; int n = 0;
        for (int q = 0; q < Queries.Count; q++)
        {
            var c = Cost(model, q);
            if (!double.IsNaN(c)) { sum += c; n++; }
        }
        return n == 0 ? null : sum / n;
    }

    /// <summary>The evaluations of one model as records, in query order.</summary>
    public IEnumerable<EvaluationRecord> RecordsOf(int model)
    {
        for (int q = 0; q < Queries.Count; q++)
        {
            if (!Has(model, q)) continue;
            var cost = Cost(model, q);
            yield return new EvaluationRecord(Models[model], Queries[q], Score(model, q),
                QueryTexts.GetValueOrDefault(Queries[q]), double.IsNaN(cost) ? null : cost);
        }
    }

    /// <summary>All evaluations as records, model by model.</summary>
    public IEnumerable<EvaluationRecord> Records() => Enumerable.Range(0, Models.Count).SelectMany(RecordsOf);

    /// <summary>Returns a copy whose scores are 1 where the score exceeds <paramref name="threshold"/> and 0 otherwise.</summary>
    public EvaluationTable Binarize(double threshold)
    {
        var scores = _scores.Select(s => double.IsNaN(s) ? s : s > threshold ? 1.0 : 0.0).ToArray();
        return new EvaluationTable(Models, Queries, scores, _costs, QueryTexts);
    }

    /// <summary>Returns a copy with query texts attached (texts already present are replaced).</summary>
    public EvaluationTable WithTexts(IReadOnlyDictionary<string, string> texts)
    {
        var merged = new Dictionary<string, string>(QueryTexts, StringComparer.Ordinal);
        foreach (var (k, v) in texts) merged[k] = v;
        return new EvaluationTable(Models, Queries, _scores, _costs, merged);
    }
}
