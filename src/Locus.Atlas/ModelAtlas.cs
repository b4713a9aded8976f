using Locus.Atlas.Data;
using Locus.Atlas.Encoding;
using Locus.Atlas.Model;
using static TorchSharp.torch;

namespace Locus.Atlas;

/// <summary>
/// A trained LOCUS network, the query encoder it was trained with, and the embeddings of the models placed in it.
/// Placing a new model is one forward pass over its evaluations; nothing is retrained and no other model moves.
/// </summary>
public sealed class ModelAtlas : IDisposable
{
    private readonly List<AtlasModelEntry> _entries = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    /// <summary>Wraps a network and the encoder it was trained with.</summary>
    public ModelAtlas(LocusNetwork network, IQueryEncoder encoder, AtlasTrainingSummary? training = null)
    {
        if (network.Config.QueryDim != encoder.Dimension)
            throw new LocusException($"the network expects {network.Config.QueryDim}-dimensional query encodings but the '{encoder.Kind}' encoder gives {encoder.Dimension}");
        Network = network;
        Encoder = encoder;
        Training = training;
        Network.eval();
    }

    /// <summary>The encoder and predictor.</summary>
    public LocusNetwork Network { get; }

    /// <summary>The query encoder; its <see cref="IQueryEncoder.Kind"/> is the atlas's encoding kind.</summary>
    public IQueryEncoder Encoder { get; }

    /// <summary>How the network was trained, when known.</summary>
    public AtlasTrainingSummary? Training { get; }

    /// <summary>Models in the atlas, in insertion order.</summary>
    public IReadOnlyList<AtlasModelEntry> Models => _entries;

    /// <summary>The entry of <paramref name="model"/>; throws a <see cref="LocusException"/> naming it when absent.</summary>
    public AtlasModelEntry this[string model] =>
        _index.TryGetValue(model, out var i) ? _entries[i] : throw new LocusException($"model '{model}' is not in the atlas (it has {_entries.Count} models; see 'locus atlas show')");

    /// <summary>Whether the atlas holds <paramref name="model"/>.</summary>
    public bool Contains(string model) => _index.ContainsKey(model);

    /// <summary>Encodes a query with the atlas's encoder.</summary>
    public float[] EncodeQuery(string queryId, string? queryText) => Encoder.Encode(queryId, queryText);

    /// <summary>Embeds a set of evaluations (order does not matter) without adding anything to the atlas.</summary>
    public float[] Embed(IReadOnlyList<EvaluationRecord> evaluations)
    {
        if (evaluations.Count == 0) throw new LocusException("a model needs at least one evaluation to be embedded");
        var encodings = evaluations.Select(e => Encoder.Encode(e.QueryId, e.QueryText)).ToArray();
        return Embed(encodings, evaluations.Select(e => e.Score).ToArray());
    }

    /// <summary>Embeds pre-encoded evaluations: <paramref name="queryEncodings"/>[i] was scored <paramref name="scores"/>[i].</summary>
    public float[] Embed(IReadOnlyList<float[]> queryEncodings, IReadOnlyList<double> scores)
    {
        if (queryEncodings.Count == 0) throw new LocusException("a model needs at least one evaluation to be embedded");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int n = queryEncodings.Count, q = Encoder.Dimension;
        var flat = new float[n * q];
        for (int i = 0; i < n; i++) queryEncodings[i].CopyTo(flat, i * q);
        var x = tensor(flat, 1, n, q);
        var s = tensor(scores.Select(v => (float)v).ToArray(), 1, n);
        var mask = ones(1, n, dtype: ScalarType.Bool);
        return Network.Embed(x, s, mask).squeeze(0).data<float>().ToArray();
    }

    /// <summary>
    /// Embeds <paramref name="model"/> from its evaluations and adds it (replacing an earlier entry only when
    /// <paramref name="replace"/> is set).
    /// </summary>
    public AtlasModelEntry Add(string model, IReadOnlyList<EvaluationRecord> evaluations, bool replace = false, string origin = "added")
    {
        var costs = evaluations.Where(e => e.Cost is not null).Select(e => e.Cost!.Value).ToArray();
        var entry = new AtlasModelEntry(model, Embed(evaluations), evaluations.Count, costs.Length > 0 ? costs.Average() : null, origin);
        Put(entry, replace);
        return entry;
    }

    /// <summary>Adds an already computed entry (used when loading and by the trainer).</summary>
    public void Put(AtlasModelEntry entry, bool replace = false)
    {
        if (entry.Embedding.Length != Network.Config.EmbeddingDim)
            throw new LocusException($"embedding of '{entry.Name}' has {entry.Embedding.Length} values, the atlas uses {Network.Config.EmbeddingDim}");
        if (_index.TryGetValue(entry.Name, out var i))
        {
            if (!replace) throw new LocusException($"model '{entry.Name}' is already in the atlas (use --replace to re-embed it)");
            _entries[i] = entry;
        }
        else
        {
            _index[entry.Name] = _entries.Count;
            _entries.Add(entry);
        }
    }

    /// <summary>Predicted P(correct) [models, queries] for the given embeddings and query encodings.</summary>
    public double[,] PredictCorrectness(IReadOnlyList<float[]> embeddings, IReadOnlyList<float[]> queryEncodings)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int m = embeddings.Count, n = queryEncodings.Count, d = Network.Config.EmbeddingDim, q = Encoder.Dimension;
        var z = tensor(embeddings.SelectMany(e => e).ToArray(), m, d);
        var queries = tensor(queryEncodings.SelectMany(e => e).ToArray(), 1, n, q).expand(m, -1, -1);
        var p = Network.Logits(z, queries).sigmoid().to_type(ScalarType.Float64).data<double>().ToArray();
        var result = new double[m, n];
        Buffer.BlockCopy(p, 0, result, 0, p.Length * sizeof(double));
        return result;
    }

    /// <summary>Predicted P(correct) [models, queries] for models in the atlas.</summary>
    public double[,] PredictCorrectness(IReadOnlyList<string> models, IReadOnlyList<float[]> queryEncodings) =>
        PredictCorrectness(models.Select(m => this[m].Embedding).ToArray(), queryEncodings);

    /// <summary>Saves to a folder (manifest, weights, encoder); see <see cref="AtlasStore"/>.</summary>
    public void Save(string directory) => AtlasStore.Save(this, directory);

    /// <summary>Loads a folder written by <see cref="Save"/>.</summary>
    public static ModelAtlas Load(string directory) => AtlasStore.Load(directory);

    /// <inheritdoc />
    public void Dispose() => Network.Dispose();
}
