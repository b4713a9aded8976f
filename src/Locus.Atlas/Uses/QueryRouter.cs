namespace Locus.Atlas.Uses;

/// <summary>How to route queries.</summary>
public sealed class RoutingOptions
{
    /// <summary>λ in "maximise P(correct) − λ·cost"; 0 ignores cost.</summary>
    public double CostWeight { get; set; }

    /// <summary>When set, only these models may be chosen.</summary>
    public IReadOnlyCollection<string>? AvailableModels { get; set; }
}

/// <summary>The model chosen for one query.</summary>
/// <param name="QueryIndex">Position of the query in the routed batch.</param>
/// <param name="Model">Chosen model.</param>
/// <param name="Probability">Its predicted P(correct).</param>
/// <param name="Utility">P − λ·cost, the quantity maximised.</param>
public sealed record RoutingDecision(int QueryIndex, string Model, double Probability, double Utility);

/// <summary>Routes each query to the model with the highest predicted correctness (optionally net of cost).</summary>
public static class QueryRouter
{
    /// <summary>Routes a batch of encoded queries among the atlas's models.</summary>
    public static IReadOnlyList<RoutingDecision> Route(ModelAtlas atlas, IReadOnlyList<float[]> queryEncodings, RoutingOptions? options = null)
    {
        options ??= new RoutingOptions();
        var candidates = (options.AvailableModels ?? atlas.Models.Select(m => m.Name).ToArray()).Distinct().ToArray();
        if (candidates.Length == 0) throw new LocusException("no model is available for routing");
        var costs = candidates.Select(c =>
        {
            if (options.CostWeight == 0) return 0.0;
            return atlas[c].MeanCost ?? throw new LocusException($"model '{c}' has no cost, but routing with a cost weight needs a cost for every candidate");
        }).ToArray();
        var p = atlas.PredictCorrectness(candidates, queryEncodings);
        return Choose(p, costs, options.CostWeight).Select((c, q) => new RoutingDecision(q, candidates[c], p[c, q], p[c, q] - options.CostWeight * costs[c])).ToArray();
    }

    /// <summary>For each query (column of <paramref name="probabilities"/> [models, queries]), the row maximising P − λ·cost (first on ties).</summary>
    public static int[] Choose(double[,] probabilities, IReadOnlyList<double>? costs = null, double costWeight = 0)
    {
        int m = probabilities.GetLength(0), n = probabilities.GetLength(1);
        var choice = new int[n];
        for (int q = 0; q < n; q++)
        {
            double best = double.NegativeInfinity;
            for (int i = 0; i < m; i++)
            {
                var u = probabilities[i, q] - costWeight * (costs?[i] ?? 0);
                if (u > best) { best = u; choice[q] = i; }
            }
        }
        return choice;
    }
}
