using Locus.Atlas.Baselines;
using Locus.Atlas.Data;

namespace Locus.Atlas.Encoding;

/// <summary>
/// Query encodings for data without text: the truncated SVD of the training models' correctness matrix
/// (queries x models, each model's column centred on its mean, missing cells at that mean). A query's encoding
/// is its row of U*S, so queries that the same models get right lie close together, followed by the logit of the
/// query's smoothed share of correct training answers (its difficulty) and its 2PL slope and intercept. Only queries present
/// when fitting can be encoded.
/// </summary>
public sealed class CollaborativeQueryEncoder : IQueryEncoder
{
    /// <summary>The kind name stored in atlases.</summary>
    public const string KindName = "collaborative";

    private readonly Dictionary<string, float[]> _encodings;

    private CollaborativeQueryEncoder(Dictionary<string, float[]> encodings, int dimension)
    {
        _encodings = encodings;
        Dimension = dimension;
    }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public int Dimension { get; }

    /// <summary>Fits on the columns of <paramref name="trainingModels"/> only, so held-out models never leak into the encoding.</summary>
    public static CollaborativeQueryEncoder Fit(EvaluationTable table, IReadOnlyList<string> trainingModels, int dimension = 16)
    {
        if (trainingModels.Count < 2) throw new LocusException("the collaborative encoding needs at least two training models");
        var models = trainingModels.Select(table.ModelIndex).ToArray();
        int nq = table.Queries.Count;
        var x = new double[nq, models.Length];
        var correct = new double[nq];
        var answered = new double[nq];
        for (int c = 0; c < models.Length; c++)
        {
            double sum = 0; int n = 0;
            for (int q = 0; q < nq; q++) if (table.Has(models[c], q)) { sum += table.Score(models[c], q); n++; }
            if (n == 0) throw new LocusException($"training model '{trainingModels[c]}' has no evaluations");
            double mean = sum / n;
            for (int q = 0; q < nq; q++)
            {
                if (!table.Has(models[c], q)) continue;
                x[q, c] = table.Score(models[c], q) - mean;
                correct[q] += table.Score(models[c], q);
                answered[q]++;
            }
        }
        var (svd, _) = TruncatedSvd.Compute(x, dimension);
        // Three more coordinates, the item-response view of the query: its difficulty as the logit of its smoothed share
        // of correct training answers, and its 2PL slope and intercept fitted on the training models. A linear map of
        // the centred SVD scores reaches the share but not its logit, which is what an item-response model's intercept
        // is; without these, queries that almost every model gets right or wrong blur together.
        var (slopes, intercepts) = ItemParameters(table, models);
        int dim = svd.GetLength(1) + 3;
        var scores = new double[nq, dim];
        for (int q = 0; q < nq; q++)
        {
            for (int k = 0; k < dim - 3; k++) scores[q, k] = svd[q, k];
            double share = (correct[q] + 0.5) / (answered[q] + 1);
            scores[q, dim - 3] = Math.Log(share / (1 - share));
            scores[q, dim - 2] = slopes[q, 0];
            scores[q, dim - 1] = intercepts[q];
        }
        var standardizer = Standardizer.Fit(scores);
        var encodings = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var row = new double[dim];
        for (int q = 0; q < nq; q++)
        {
            for (int k = 0; k < dim; k++) row[k] = scores[q, k];
            encodings[table.Queries[q]] = standardizer.Apply(row);
        }
        return new CollaborativeQueryEncoder(encodings, dim);
    }

    /// <summary>2PL item slopes [queries, 1] and intercepts [queries] fitted on the rows <paramref name="models"/>.</summary>
    private static (float[,] Slopes, float[] Intercepts) ItemParameters(EvaluationTable table, int[] models)
    {
        int nq = table.Queries.Count;
        var scores = new double[table.Models.Count, nq];
        for (int m = 0; m < table.Models.Count; m++)
            for (int q = 0; q < nq; q++) scores[m, q] = table.Has(m, q) ? table.Score(m, q) : double.NaN;
        var irt = new LogisticFactorBaseline(FactorModelKind.Irt, 1);
        // The 2PL reads no query encodings; one placeholder value per query sizes its tables.
        irt.Fit(new BaselineContext(scores, Enumerable.Range(0, nq).Select(_ => new float[1]).ToArray(), models, Enumerable.Range(0, nq).ToArray()));
        return (irt.Slopes!, irt.Intercepts!);
    }

    /// <inheritdoc />
    public float[] Encode(string queryId, string? queryText) =>
        _encodings.TryGetValue(queryId, out var e) ? e
            : throw new LocusException($"query '{queryId}' was not in the data the collaborative encoding was fitted on, so it has no encoding");

    /// <inheritdoc />
    public void Save(BinaryWriter writer)
    {
        writer.Write(_encodings.Count);
        writer.Write(Dimension);
        foreach (var (id, v) in _encodings.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.Write(id);
            foreach (var x in v) writer.Write(x);
        }
    }

    /// <summary>Reads the state written by <see cref="Save"/>.</summary>
    public static CollaborativeQueryEncoder Load(BinaryReader reader)
    {
        int n = reader.ReadInt32(), dim = reader.ReadInt32();
        var encodings = new Dictionary<string, float[]>(n, StringComparer.Ordinal);
        for (int i = 0; i < n; i++)
        {
            var id = reader.ReadString();
            var v = new float[dim];
            for (int k = 0; k < dim; k++) v[k] = reader.ReadSingle();
            encodings[id] = v;
        }
        return new CollaborativeQueryEncoder(encodings, dim);
    }
}
