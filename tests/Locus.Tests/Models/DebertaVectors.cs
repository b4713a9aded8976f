using System.Text.Json;
using Locus.Tests.TestSupport;
using static TorchSharp.torch;

namespace Locus.Tests.Models;

/// <summary>Reads a DeBERTa reference-vectors file from shared/fixtures/models (nested JSON arrays → tensors).</summary>
public sealed class DebertaVectors : IDisposable
{
    readonly JsonDocument document;

    DebertaVectors(JsonDocument document) => this.document = document;

    /// <summary>Opens models/<paramref name="name"/>.vectors.json.</summary>
    public static DebertaVectors Open(string name) =>
        new(JsonDocument.Parse(File.ReadAllText(SharedFixtures.PathOf("models", name + ".vectors.json"))));

    /// <summary>The model folder of a vectors file entry (models/&lt;dir&gt;).</summary>
    public static string ModelFolder(string dir) => SharedFixtures.PathOf("models", dir);

    /// <summary>The root object.</summary>
    public JsonElement Root => document.RootElement;

    /// <summary>The element at a path of property names and array indices ("outputs", "hidden_states", 0).</summary>
    public JsonElement At(params object[] path)
    {
        var element = Root;
        foreach (var step in path)
            element = step is int index ? element[index] : element.GetProperty((string)step);
        return element;
    }

    /// <summary>A nested numeric array as a tensor: floats become exact float32, integers int64.</summary>
    public Tensor Tensor(ScalarType dtype, params object[] path)
    {
        var element = At(path);
        var shape = new List<long>();
        for (var e = element; e.ValueKind == JsonValueKind.Array; e = e[0]) shape.Add(e.GetArrayLength());
        var values = new List<double>();
        Flatten(element, values);
        var result = dtype == ScalarType.Int64
            ? tensor(values.Select(v => (long)v).ToArray(), ScalarType.Int64)
            : tensor(values.Select(v => (float)v).ToArray(), ScalarType.Float32);
        return result.reshape(shape.ToArray());
    }

    /// <summary>(name, shape) of every state_dict_keys entry at the path.</summary>
    public IReadOnlyList<(string Name, long[] Shape)> StateDictKeys(params object[] path) =>
        At(path).EnumerateArray()
            .Select(e => (e.GetProperty("name").GetString()!, e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray()))
            .ToList();

    static void Flatten(JsonElement element, List<double> values)
    {
        if (element.ValueKind == JsonValueKind.Array)
            foreach (var item in element.EnumerateArray()) Flatten(item, values);
        else
            values.Add(element.GetDouble());
    }

    /// <inheritdoc />
    public void Dispose() => document.Dispose();
}
