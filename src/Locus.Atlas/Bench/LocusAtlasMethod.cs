using Locus.Atlas.Baselines;
using Locus.Atlas.Data;
using Locus.Atlas.Encoding;
using Locus.Atlas.Training;

namespace Locus.Atlas.Bench;

/// <summary>LOCUS as an <see cref="ICorrectnessMethod"/>: trains an atlas on the split, then embeds each new model from its probes.</summary>
public sealed class LocusAtlasMethod(EvaluationTable table, IQueryEncoder encoder, AtlasTrainingSplit split, AtlasTrainingOptions options, IProgress<AtlasTrainingProgress>? progress = null, string name = "locus") : ICorrectnessMethod, IDisposable
{
    private IReadOnlyList<float[]> _encodings = [];

    /// <inheritdoc />
    public string Name => name;

    /// <summary>The trained atlas (after <see cref="Fit"/>).</summary>
    public ModelAtlas? Atlas { get; private set; }

    /// <inheritdoc />
    public void Fit(BaselineContext context)
    {
        Atlas?.Dispose();
        _encodings = context.Encodings;
        Atlas = AtlasTrainer.Train(table, encoder, split, options, progress);
    }

    /// <summary>The encoding of query <paramref name="query"/> (an index into the benchmark's query list).</summary>
    public float[] Encoding(int query) => _encodings[query];

    /// <summary>Embeds one model from its probes.</summary>
    public float[] Embed(ProbeSet probes) =>
        (Atlas ?? throw new InvalidOperationException("Fit first")).Embed(probes.Queries.Select(q => _encodings[q]).ToArray(), probes.Scores.Select(s => (double)s).ToArray());

    /// <inheritdoc />
    public double[,] PredictNewModels(IReadOnlyList<ProbeSet> probes, int[] targetQueries)
    {
        var atlas = Atlas ?? throw new InvalidOperationException("Fit first");
        return atlas.PredictCorrectness(probes.Select(Embed).ToArray(), targetQueries.Select(q => _encodings[q]).ToArray());
    }

    /// <inheritdoc />
    public void Dispose() => Atlas?.Dispose();
}
