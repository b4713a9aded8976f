using Locus.Atlas.Encoding;
using Locus.Atlas.Training;

namespace Locus.Atlas.Bench;

/// <summary>Options of <see cref="AtlasBenchmark"/>.</summary>
public sealed class AtlasBenchOptions
{
    /// <summary>Numbers of probe evaluations per new model.</summary>
    public IReadOnlyList<int> Ks { get; set; } = [16, 32, 64, 128, 256, 512, 1024];

    /// <summary>Seeds (one split and one training run each); ignored when <see cref="Splits"/> is given.</summary>
    public IReadOnlyList<int> Seeds { get; set; } = [0, 1, 2];

    /// <summary>Fixed splits (from a split file); when null, splits are generated from <see cref="Seeds"/>.</summary>
    public IReadOnlyList<BenchSplit>? Splits { get; set; }

    /// <summary>Fraction of models held out as new models.</summary>
    public double HeldOutModelFraction { get; set; } = 0.25;

    /// <summary>Fraction of models used for early stopping.</summary>
    public double ValidationModelFraction { get; set; } = 0.1;

    /// <summary>Query encoding kind.</summary>
    public QueryEncodingKind Encoding { get; set; } = QueryEncodingKind.Auto;

    /// <summary>Query encoding dimension (null: the kind's default).</summary>
    public int? EncodingDimension { get; set; }

    /// <summary>Corpus index folder whose sentence encoder the sentence encoding uses.</summary>
    public string? SentenceEncoderIndex { get; set; }

    /// <summary>A JSONL file of precomputed query vectors (<see cref="PrecomputedQueryEncoder"/>), an external protocol's own encodings.</summary>
    public string? QueryEncodingsPath { get; set; }

    /// <summary>Where fitted query encoders are cached (null: no cache).</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>Training options for LOCUS; its seed is replaced by each split's seed.</summary>
    public AtlasTrainingOptions Training { get; set; } = new();

    /// <summary>Latent dimension of the multidimensional IRT and matrix-factorisation baselines.</summary>
    public int FactorDimension { get; set; } = 8;

    /// <summary>When set, predictions are written here as JSONL {seed, k, method, model, query_id, p}.</summary>
    public string? PredictionsPath { get; set; }
}
