using System.Collections.Concurrent;
using Locus.Retrieval.Embeddings;

namespace Locus.Atlas.Encoding;

/// <summary>
/// Query encodings from the text through a sentence encoder (<see cref="ISentenceEncoder"/>) of a corpus index folder,
/// whichever kind its <see cref="EncoderSpec"/> names (the lexical encoder now; neural kinds once
/// <see cref="EncoderSpec.Create"/> knows them). The sentence vectors are projected on their top principal components
/// (fitted on the atlas's query texts) and standardised, so the network gets a few unit-scale inputs as with LSA.
/// The saved state names the index folder and the encoder's <see cref="ISentenceEncoder.ModelId"/>; loading rebuilds
/// the encoder from the folder and refuses it when its id changed, since the network was trained on the old vectors.
/// </summary>
public sealed class SentenceQueryEncoder : IQueryEncoder
{
    /// <summary>The kind name stored in atlases.</summary>
    public const string KindName = "sentence";

    private readonly ISentenceEncoder _sentences;
    private readonly double[] _centre;        // [source]
    private readonly double[,] _components;   // [source, dim]
    private readonly Standardizer _standardizer;
    private readonly ConcurrentDictionary<string, float[]> _byText = new(StringComparer.Ordinal);

    private SentenceQueryEncoder(string indexDirectory, ISentenceEncoder sentences, double[] centre, double[,] components, Standardizer standardizer)
    {
        IndexDirectory = indexDirectory;
        _sentences = sentences;
        _centre = centre;
        _components = components;
        _standardizer = standardizer;
    }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public int Dimension => _components.GetLength(1);

    /// <summary>The index folder whose encoder this wraps (absolute path).</summary>
    public string IndexDirectory { get; }

    /// <summary>The wrapped sentence encoder's model id.</summary>
    public string SentenceModelId => _sentences.ModelId;

    /// <summary>
    /// Builds the sentence encoder of <paramref name="indexDirectory"/> (its <c>encoder.json</c>) and fits the projection
    /// on <paramref name="texts"/>, keeping at most <paramref name="dimension"/> components.
    /// </summary>
    public static SentenceQueryEncoder Fit(string indexDirectory, IReadOnlyList<string> texts, int dimension = 64)
    {
        if (texts.Count < 2) throw new LocusException("the sentence encoding needs at least two query texts");
        var directory = Path.GetFullPath(indexDirectory);
        var sentences = CreateSentenceEncoder(directory);
        var vectors = EncodeBatch(sentences, texts);
        int n = vectors.Length, source = sentences.Dimension;
        var centre = new double[source];
        foreach (var v in vectors)
            for (int j = 0; j < source; j++) centre[j] += v[j] / n;
        var centred = new double[n, source];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < source; j++) centred[i, j] = vectors[i][j] - centre[j];
        var (scores, components) = TruncatedSvd.Compute(centred, dimension);
        var encoder = new SentenceQueryEncoder(directory, sentences, centre, components, Standardizer.Fit(scores));
        for (int i = 0; i < n; i++) encoder._byText.TryAdd(texts[i], encoder.Project(vectors[i]));
        return encoder;
    }

    /// <inheritdoc />
    public float[] Encode(string queryId, string? queryText)
    {
        if (queryText is null) throw new LocusException($"query '{queryId}' has no text, which the sentence encoding needs");
        return _byText.GetOrAdd(queryText, t => Project(EncodeBatch(_sentences, [t])[0]));
    }

    /// <inheritdoc />
    public void Save(BinaryWriter writer)
    {
        writer.Write(IndexDirectory);
        writer.Write(_sentences.ModelId);
        int source = _components.GetLength(0);
        writer.Write(source);
        writer.Write(Dimension);
        foreach (var c in _centre) writer.Write(c);
        for (int j = 0; j < source; j++)
            for (int k = 0; k < Dimension; k++) writer.Write(_components[j, k]);
        _standardizer.Save(writer);
    }

    /// <summary>Reads the state written by <see cref="Save"/> and rebuilds the sentence encoder from its index folder.</summary>
    public static SentenceQueryEncoder Load(BinaryReader reader)
    {
        var directory = reader.ReadString();
        var modelId = reader.ReadString();
        int source = reader.ReadInt32(), dim = reader.ReadInt32();
        var centre = new double[source];
        for (int j = 0; j < source; j++) centre[j] = reader.ReadDouble();
        var components = new double[source, dim];
        for (int j = 0; j < source; j++)
            for (int k = 0; k < dim; k++) components[j, k] = reader.ReadDouble();
        var standardizer = Standardizer.Load(reader);
        var sentences = CreateSentenceEncoder(directory);
        if (sentences.ModelId != modelId || sentences.Dimension != source)
            throw new LocusException($"the sentence encoder of {directory} is now '{sentences.ModelId}' ({sentences.Dimension} dims) but the atlas was built with '{modelId}' ({source} dims); retrain the atlas");
        return new SentenceQueryEncoder(directory, sentences, centre, components, standardizer);
    }

    private float[] Project(float[] vector)
    {
        var projected = new double[Dimension];
        for (int j = 0; j < vector.Length; j++)
        {
            double x = vector[j] - _centre[j];
            if (x == 0) continue;
            for (int k = 0; k < projected.Length; k++) projected[k] += x * _components[j, k];
        }
        return _standardizer.Apply(projected);
    }

    private static ISentenceEncoder CreateSentenceEncoder(string directory)
    {
        if (!Directory.Exists(directory)) throw new LocusException($"sentence-encoder index folder not found: {directory}");
        return EncoderSpec.LoadRequired(directory).Create(directory, fitSample: null);
    }

    // The interface is asynchronous for encoders that batch on an accelerator; query encoding here is a synchronous step.
    private static float[][] EncodeBatch(ISentenceEncoder sentences, IReadOnlyList<string> texts) =>
        sentences.EncodeAsync(texts).GetAwaiter().GetResult();
}
