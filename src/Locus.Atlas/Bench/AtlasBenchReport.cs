using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace Locus.Atlas.Bench;

/// <summary>One measured value: a metric of a method at k probes in one seed.</summary>
/// <param name="Seed">Split seed.</param>
/// <param name="Method">Method name (<c>locus</c>, a baseline, or <c>oracle</c>).</param>
/// <param name="K">Probe evaluations per new model.</param>
/// <param name="Metric">Metric name.</param>
/// <param name="Value">Its value.</param>
public sealed record BenchMeasurement(
    [property: JsonPropertyName("seed")] int Seed,
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("k")] int K,
    [property: JsonPropertyName("metric")] string Metric,
    [property: JsonPropertyName("value")] double Value);

/// <summary>Mean and spread of a metric over seeds.</summary>
/// <param name="Method">Method name.</param>
/// <param name="K">Probe evaluations per new model.</param>
/// <param name="Metric">Metric name.</param>
/// <param name="Mean">Mean over seeds.</param>
/// <param name="Std">Sample standard deviation over seeds.</param>
/// <param name="Seeds">Number of seeds with a finite value.</param>
public sealed record BenchSummary(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("k")] int K,
    [property: JsonPropertyName("metric")] string Metric,
    [property: JsonPropertyName("mean")] double Mean,
    [property: JsonPropertyName("std")] double Std,
    [property: JsonPropertyName("seeds")] int Seeds);

/// <summary>The benchmark's results.</summary>
public sealed class AtlasBenchReport : IVersionedJson
{
    /// <summary>The layout of a written report (<c>atlas bench --report</c>).</summary>
    public static LocusFileFormat FileFormat { get; } = new("atlas-bench", 1);

    /// <summary>The layout, <see cref="FileFormat"/>: reports are written, never read back.</summary>
    [JsonPropertyOrder(-1)]
    public string? Format { get; set; } = FileFormat.Name;

    /// <summary>Encoding kind used.</summary>
    [JsonPropertyName("encoding")] public string Encoding { get; set; } = "";

    /// <summary>Number of models and queries in the data.</summary>
    [JsonPropertyName("models")] public int Models { get; set; }

    /// <summary>Number of queries in the data.</summary>
    [JsonPropertyName("queries")] public int Queries { get; set; }

    /// <summary>Seeds run.</summary>
    [JsonPropertyName("seeds")] public List<int> Seeds { get; set; } = [];

    /// <summary>k values run.</summary>
    [JsonPropertyName("ks")] public List<int> Ks { get; set; } = [];

    /// <summary>k values skipped because some new model had fewer probes.</summary>
    [JsonPropertyName("skipped_ks")] public List<int> SkippedKs { get; set; } = [];

    /// <summary>LOCUS training steps and seconds per seed.</summary>
    [JsonPropertyName("training")] public List<AtlasTrainingSummary> Training { get; set; } = [];

    /// <summary>Every measurement.</summary>
    [JsonPropertyName("measurements")] public List<BenchMeasurement> Measurements { get; set; } = [];

    /// <summary>Mean and spread over seeds.</summary>
    [JsonPropertyName("summary")] public List<BenchSummary> Summary { get; set; } = [];

    /// <summary>Total seconds.</summary>
    [JsonPropertyName("seconds")] public double Seconds { get; set; }

    /// <summary>Fills <see cref="Summary"/> from <see cref="Measurements"/>.</summary>
    public void Summarise() =>
        Summary = Measurements.GroupBy(m => (m.Method, m.K, m.Metric))
            .Select(g => { var (mean, std, n) = BenchMetrics.MeanStd(g.Select(m => m.Value)); return new BenchSummary(g.Key.Method, g.Key.K, g.Key.Metric, mean, std, n); })
            .ToList();

    /// <summary>One plain-text table per metric: methods as rows, k as columns, "mean ± std" cells.</summary>
    public string ToTable()
    {
        var sb = new StringBuilder();
        foreach (var metric in Summary.Select(s => s.Metric).Distinct())
        {
            var rows = Summary.Where(s => s.Metric == metric).ToList();
            var methods = rows.Select(r => r.Method).Distinct().ToList();
            sb.AppendLine($"{metric} (mean ± std over {Seeds.Count} seed(s))");
            sb.Append($"{"method",-14}");
            foreach (var k in Ks) sb.Append($"{"k=" + k,16}");
            sb.AppendLine();
            foreach (var method in methods)
            {
                sb.Append($"{method,-14}");
                foreach (var k in Ks)
                {
                    var cell = rows.FirstOrDefault(r => r.Method == method && r.K == k);
                    sb.Append(cell is null || double.IsNaN(cell.Mean) ? $"{"-",16}" : $"{cell.Mean.ToString("F3", CultureInfo.InvariantCulture) + " ± " + cell.Std.ToString("F3", CultureInfo.InvariantCulture),16}");
                }
                sb.AppendLine();
            }
            sb.AppendLine();
        }
        if (SampleEfficiency() is { } efficiency)
        {
            sb.AppendLine($"evaluations to reach the best baseline's k={efficiency.K} correctness_auc ({efficiency.Baseline}: {efficiency.Target.ToString("F3", CultureInfo.InvariantCulture)})");
            foreach (var (method, k) in efficiency.FirstK) sb.AppendLine($"{method,-14}{(k is null ? $"> {efficiency.K}" : k.Value.ToString(CultureInfo.InvariantCulture)),16}");
            sb.AppendLine();
        }
        return sb.ToString();
    }

    /// <summary>
    /// The sample-efficiency comparison: the best baseline's mean AUC at the largest k (baselines are the methods that
    /// are neither LOCUS variants nor best-single/oracle), and for every method the smallest k whose mean AUC reaches
    /// it (null: none does). Null when there is no AUC summary.
    /// </summary>
    public (string Baseline, int K, double Target, IReadOnlyList<(string Method, int? K)> FirstK)? SampleEfficiency()
    {
        var auc = Summary.Where(s => s.Metric == "correctness_auc" && double.IsFinite(s.Mean)).ToList();
        if (auc.Count == 0) return null;
        int largest = auc.Max(s => s.K);
        var best = auc.Where(s => s.K == largest && !s.Method.StartsWith("locus", StringComparison.Ordinal) && s.Method is not ("best-single" or "oracle"))
            .MaxBy(s => s.Mean);
        if (best is null) return null;
        var firstK = auc.Select(s => s.Method).Distinct()
            .Select(m => (m, auc.Where(s => s.Method == m && s.Mean >= best.Mean).Select(s => (int?)s.K).Min()))
            .ToList();
        return (best.Method, largest, best.Mean, firstK);
    }
}
