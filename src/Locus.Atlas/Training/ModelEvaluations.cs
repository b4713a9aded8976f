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

    /// <summary>
    /// A virtual model that answers each query shared with <paramref name="other"/> like this model with probability
    /// <paramref name="weight"/> and like <paramref name="other"/> otherwise. Returns the drawn scores (what probing
    /// such a model would observe) and the expected scores (its true correctness), over the same queries.
    /// </summary>
    public (ModelEvaluations Drawn, ModelEvaluations Expected) MixWith(ModelEvaluations other, double weight, Random rng)
    {
        var others = new Dictionary<int, float>(other.Queries.Length);
        for (int i = 0; i < other.Queries.Length; i++) others[other.Queries[i]] = other.Scores[i];
        var queries = new List<int>(Queries.Length);
        var drawn = new List<float>(Queries.Length);
        var expected = new List<float>(Queries.Length);
        for (int i = 0; i < Queries.Length; i++)
        {
            if (!others.TryGetValue(Queries[i], out var o)) continue;
            queries.Add(Queries[i]);
            drawn.Add(rng.NextDouble() < weight ? Scores[i] : o);
            expected.Add((float)(weight * Scores[i] + (1 - weight) * o));
        }
        var name = $"{Model}+{other.Model}";
        return (new ModelEvaluations(name, [.. queries], [.. drawn]), new ModelEvaluations(name, [.. queries], [.. expected]));
    }

    /// <summary>At most <paramref name="size"/> evaluations drawn without replacement.</summary>
    public ModelEvaluations Sample(int size, Random rng)
    {
        var positions = Enumerable.Range(0, Queries.Length).ToArray();
        rng.Shuffle(positions);
        return Take(positions.AsSpan(0, Math.Min(size, positions.Length)));
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
