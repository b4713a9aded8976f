namespace Locus.Atlas.Baselines;

/// <summary>
/// Predicts a new model's probe mean for every query. Routing on it sends every query to the model with the best
/// probe accuracy: the "best single model" baseline.
/// </summary>
public sealed class ModelMeanBaseline : ICorrectnessMethod
{
    /// <inheritdoc />
    public string Name => "best-single";

    /// <inheritdoc />
    public void Fit(BaselineContext context) { }

    /// <inheritdoc />
    public double[,] PredictNewModels(IReadOnlyList<ProbeSet> probes, int[] targetQueries)
    {
        var result = new double[probes.Count, targetQueries.Length];
        for (int m = 0; m < probes.Count; m++)
        {
            double mean = probes[m].Scores.Length == 0 ? 0.5 : probes[m].Scores.Average();
            for (int t = 0; t < targetQueries.Length; t++) result[m, t] = mean;
        }
        return result;
    }
}
