using Locus.Atlas.Data;

namespace Locus.Atlas.Training;

/// <summary>One model's evaluations as parallel arrays of query indices (into the table) and scores.</summary>
internal sealed record ModelEvaluations(string Model, int[] Queries, float[] Scores)
{
    /// <summary>The evaluations of <paramref name="model"/> restricted to <paramref name="queries"/>, in that order.</summary>
    public static ModelEvaluations Of(EvaluationTable table, string model, int[] queries)
    {
        int m = table.ModelIndex(model);
        var kept = queries.Where(q => table.Has(m, q)).ToArray();
        return new ModelEvaluations(model, kept, kept.Select(q => (float)table.Score(m, q)).ToArray());
    }

    /// <summary>The evaluations at the given positions.</summary>
    public ModelEvaluations Take(ReadOnlySpan<int> positions)
    {
        var q = new int[positions.Length];
        var s = new float[positions.Length];
        for (int i = 0; i < positions.Length; i++) { q[i] = Queries[positions[i]]; s[i] = Scores[positions[i]]; }
        return new ModelEvaluations(Model, q, s);
    }
}
