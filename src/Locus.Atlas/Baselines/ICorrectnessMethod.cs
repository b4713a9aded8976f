namespace Locus.Atlas.Baselines;

/// <summary>A new model's probe evaluations: indices into the benchmark's query list and their scores.</summary>
/// <param name="Queries">Probed query indices.</param>
/// <param name="Scores">Scores on those queries.</param>
public sealed record ProbeSet(int[] Queries, float[] Scores);

/// <summary>What every method may learn from: the training models' scores on all queries, and the query encodings.</summary>
/// <param name="Scores">[models, queries] scores, NaN where missing; only rows in <paramref name="TrainingModels"/> may be read.</param>
/// <param name="Encodings">Query encodings, one per query.</param>
/// <param name="TrainingModels">Rows of <paramref name="Scores"/> that are training models.</param>
/// <param name="TrainingQueries">Columns the training models' scores may be used on.</param>
public sealed record BaselineContext(double[,] Scores, IReadOnlyList<float[]> Encodings, int[] TrainingModels, int[] TrainingQueries);

/// <summary>
/// A way to predict a new model's correctness on unseen queries from a few of its evaluations, after fitting on training
/// models: LOCUS and each baseline implement it, so the benchmark runs them on the same splits.
/// </summary>
public interface ICorrectnessMethod
{
    /// <summary>Short name used in tables.</summary>
    string Name { get; }

    /// <summary>Fits on the training models (once per split).</summary>
    void Fit(BaselineContext context);

    /// <summary>Predicts P(correct) [newModels, targets] for each new model from its probes.</summary>
    double[,] PredictNewModels(IReadOnlyList<ProbeSet> probes, int[] targetQueries);
}
