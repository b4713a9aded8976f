using System.Text.Json.Serialization;
using Locus.Atlas.Data;

namespace Locus.Atlas.Bench;

/// <summary>
/// One seed's split for the benchmark: queries into train/validation/test, models into training, validation and
/// held-out ("new") models, and per model the ordered probe list (training queries) whose first k are used.
/// </summary>
public sealed class BenchSplit
{
    /// <summary>The seed (also seeds training).</summary>
    [JsonPropertyName("seed")] public int Seed { get; set; }

    /// <summary>Queries for training, probing and embedding.</summary>
    [JsonPropertyName("train_queries")] public List<string> TrainQueries { get; set; } = [];

    /// <summary>Queries for early stopping.</summary>
    [JsonPropertyName("validation_queries")] public List<string> ValidationQueries { get; set; } = [];

    /// <summary>Queries on which new models are evaluated.</summary>
    [JsonPropertyName("test_queries")] public List<string> TestQueries { get; set; } = [];

    /// <summary>New models: never seen in training; embedded from k probes.</summary>
    [JsonPropertyName("heldout_models")] public List<string> HeldOutModels { get; set; } = [];

    /// <summary>Models for early stopping.</summary>
    [JsonPropertyName("validation_models")] public List<string> ValidationModels { get; set; } = [];

    /// <summary>Per model, the ordered probe list (training queries it was evaluated on).</summary>
    [JsonPropertyName("probes")] public Dictionary<string, List<string>> Probes { get; set; } = [];

    /// <summary>Models that are neither held out nor validation models.</summary>
    public IReadOnlyList<string> TrainingModels(EvaluationTable table) =>
        table.Models.Where(m => !HeldOutModels.Contains(m) && !ValidationModels.Contains(m)).ToArray();

    /// <summary>
    /// The probe order of <paramref name="model"/>: its list when the split has one, else its training-query evaluations
    /// in an order drawn from the split's seed and the model's position in the table.
    /// </summary>
    public IReadOnlyList<string> ProbeOrder(EvaluationTable table, string model)
    {
        if (Probes.TryGetValue(model, out var listed)) return listed;
        int m = table.ModelIndex(model);
        var known = TrainQueries.Where(q => table.Has(m, table.QueryIndex(q))).ToArray();
        new Random(unchecked(Seed * 31 + m)).Shuffle(known);
        return known;
    }

    /// <summary>
    /// A random split: queries shuffled into train/validation/test by the given fractions; models shuffled into held-out,
    /// validation and training; probe lists are random orders of each model's evaluated training queries.
    /// </summary>
    public static BenchSplit Generate(EvaluationTable table, int seed, double validationQueryFraction = 0.1, double testQueryFraction = 0.1, double heldOutModelFraction = 0.25, double validationModelFraction = 0.1)
    {
        var rng = new Random(seed);
        var queries = table.Queries.ToArray();
        rng.Shuffle(queries);
        int nTest = Math.Max(1, (int)Math.Round(queries.Length * testQueryFraction));
        int nVal = Math.Max(1, (int)Math.Round(queries.Length * validationQueryFraction));
        var models = table.Models.ToArray();
        rng.Shuffle(models);
        int nHeld = Math.Max(2, (int)Math.Round(models.Length * heldOutModelFraction));
        int nValModels = Math.Max(1, (int)Math.Round(models.Length * validationModelFraction));
        if (models.Length - nHeld - nValModels < 2) throw new LocusException($"{models.Length} models are too few to hold out {nHeld} and validate on {nValModels} while keeping two for training");
        var split = new BenchSplit
        {
            Seed = seed,
            TestQueries = queries[..nTest].ToList(),
            ValidationQueries = queries[nTest..(nTest + nVal)].ToList(),
            TrainQueries = queries[(nTest + nVal)..].ToList(),
            HeldOutModels = models[..nHeld].ToList(),
            ValidationModels = models[nHeld..(nHeld + nValModels)].ToList(),
        };
        foreach (var model in table.Models)
        {
            int m = table.ModelIndex(model);
            var probes = split.TrainQueries.Where(q => table.Has(m, table.QueryIndex(q))).ToArray();
            rng.Shuffle(probes);
            split.Probes[model] = probes.ToList();
        }
        return split;
    }

    /// <summary>Checks every id against <paramref name="table"/> and the split's own consistency; <paramref name="where"/> names the source in errors.</summary>
    public void Validate(EvaluationTable table, string where)
    {
        string field = $"seeds[seed={Seed}]";
        void Queries(List<string> ids, string name)
        {
            foreach (var q in ids)
                if (!table.ContainsQuery(q)) throw new DataFormatException(where, 0, $"{field}.{name}", $"unknown query id '{q}'");
        }
        void Models(IEnumerable<string> ids, string name)
        {
            foreach (var m in ids)
                if (!table.ContainsModel(m)) throw new DataFormatException(where, 0, $"{field}.{name}", $"unknown model '{m}'");
        }
        Queries(TrainQueries, "train_queries");
        Queries(ValidationQueries, "validation_queries");
        Queries(TestQueries, "test_queries");
        Models(HeldOutModels, "heldout_models");
        Models(ValidationModels, "validation_models");
        Models(Probes.Keys, "probes");
        var train = TrainQueries.ToHashSet(StringComparer.Ordinal);
        foreach (var q in TestQueries.Concat(ValidationQueries))
            if (train.Contains(q)) throw new DataFormatException(where, 0, $"{field}.test_queries", $"query '{q}' is also a training query");
        if (HeldOutModels.Intersect(ValidationModels).FirstOrDefault() is { } both)
            throw new DataFormatException(where, 0, $"{field}.heldout_models", $"model '{both}' is also a validation model");
        if (TestQueries.Count == 0) throw new DataFormatException(where, 0, $"{field}.test_queries", "is empty");
        if (HeldOutModels.Count < 2) throw new DataFormatException(where, 0, $"{field}.heldout_models", "needs at least two models to route between");
        foreach (var (model, probes) in Probes)
        {
            int m = table.ModelIndex(model);
            foreach (var q in probes)
            {
                if (!table.ContainsQuery(q)) throw new DataFormatException(where, 0, $"{field}.probes.{model}", $"unknown query id '{q}'");
                if (!train.Contains(q)) throw new DataFormatException(where, 0, $"{field}.probes.{model}", $"probe '{q}' is not a training query");
                if (!table.Has(m, table.QueryIndex(q))) throw new DataFormatException(where, 0, $"{field}.probes.{model}", $"model '{model}' has no evaluation on probe '{q}'");
            }
        }
        // Held-out models are placed from their probes in the listed order, so each needs a list; other models' lists are
        // optional (the geometry measurements draw a seeded order of their training-query evaluations instead).
        foreach (var model in HeldOutModels)
            if (!Probes.ContainsKey(model)) throw new DataFormatException(where, 0, $"{field}.probes", $"no probe list for held-out model '{model}'");
    }
}
