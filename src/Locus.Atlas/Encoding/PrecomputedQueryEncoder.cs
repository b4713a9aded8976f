using System.Text.Json;
using Locus.Atlas.Data;

namespace Locus.Atlas.Encoding;

/// <summary>
/// Query encodings computed elsewhere (an external protocol's own query vectors, any embedding model), read from JSONL,
/// one line per query: <c>{"query_id": "q1", "vector": [0.1, -0.2, ...]}</c> (ids as in evaluation records: a string or
/// an integer). The vectors are used as given; every
/// query of the evaluation table needs one, all of the same length.
/// </summary>
public sealed class PrecomputedQueryEncoder : IQueryEncoder
{
    /// <summary>The kind tag written with the encoder and into an atlas's manifest.</summary>
    public const string KindName = "precomputed";

    private readonly Dictionary<string, float[]> _vectors;

    private PrecomputedQueryEncoder(Dictionary<string, float[]> vectors, int dimension)
    {
        _vectors = vectors;
        Dimension = dimension;
    }

    /// <inheritdoc/>
    public string Kind => KindName;

    /// <inheritdoc/>
    public int Dimension { get; }

    /// <summary>Queries with an encoding.</summary>
    public int Count => _vectors.Count;

    /// <inheritdoc/>
    public float[] Encode(string queryId, string? queryText) =>
        _vectors.TryGetValue(queryId, out var vector)
            ? vector
            : throw new LocusException($"query '{queryId}' has no precomputed encoding (this atlas encodes only the queries of its encodings file)");

    /// <summary>
    /// Reads <paramref name="path"/> and checks that every one of <paramref name="requiredQueries"/> has a vector.
    /// </summary>
    /// <exception cref="DataFormatException">A line that is not such an object, a repeated id, a vector of another
    /// length or with a non-finite value, or a required query without a vector (the first one named).</exception>
    public static PrecomputedQueryEncoder Read(string path, IReadOnlyList<string> requiredQueries)
    {
        if (!File.Exists(path)) throw new LocusException($"{path}: query encodings file not found");
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        int? dimension = null;
        foreach (var (line, record) in JsonlObjects.Read(path))
        {
            var id = EvaluationJsonlReader.QueryId(record, "query_id", path, line) ?? throw new DataFormatException(path, line, "query_id", "is missing");
            var vector = Vector(record, path, line);
            dimension ??= vector.Length;
            if (vector.Length != dimension)
                throw new DataFormatException(path, line, "vector", $"has {vector.Length} values; the first vector has {dimension}");
            if (!vectors.TryAdd(id, vector)) throw new DataFormatException(path, line, "query_id", $"'{id}' appears twice");
        }
        if (dimension is null) throw new DataFormatException(path, 0, null, "no query encodings");
        var missing = requiredQueries.Where(q => !vectors.ContainsKey(q)).ToList();
        if (missing.Count > 0)
            throw new DataFormatException(path, 0, "query_id", $"{missing.Count} of the {requiredQueries.Count} queries have no encoding (the first: '{missing[0]}')");
        return new PrecomputedQueryEncoder(vectors, dimension.Value);
    }

    private static float[] Vector(JsonElement record, string path, int line)
    {
        if (!record.TryGetProperty("vector", out var array) || array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
            throw new DataFormatException(path, line, "vector", "missing or not a non-empty array of numbers");
        var vector = new float[array.GetArrayLength()];
        var i = 0;
        foreach (var value in array.EnumerateArray())
        {
            if (value.ValueKind != JsonValueKind.Number || !float.IsFinite(vector[i] = value.GetSingle()))
                throw new DataFormatException(path, line, "vector", $"value {i} is not a finite number");
            i++;
        }
        return vector;
    }

    /// <inheritdoc/>
    public void Save(BinaryWriter writer)
    {
        writer.Write(Dimension);
        writer.Write(_vectors.Count);
        foreach (var (id, vector) in _vectors.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.Write(id);
            foreach (var value in vector) writer.Write(value);
        }
    }

    /// <summary>Reads the state written by <see cref="Save"/>.</summary>
    public static PrecomputedQueryEncoder Load(BinaryReader reader)
    {
        var dimension = reader.ReadInt32();
        var count = reader.ReadInt32();
        var vectors = new Dictionary<string, float[]>(count, StringComparer.Ordinal);
        for (var q = 0; q < count; q++)
        {
            var id = reader.ReadString();
            var vector = new float[dimension];
            for (var d = 0; d < dimension; d++) vector[d] = reader.ReadSingle();
            vectors[id] = vector;
        }
        return new PrecomputedQueryEncoder(vectors, dimension);
    }
}
