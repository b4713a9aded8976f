using System.Text.Json;
using static TorchSharp.torch;

namespace Locus.Tests.TestSupport;

/// <summary>
/// Reads a Hugging Face reference-vectors JSON file (shared/fixtures/models/*.vectors.json): nested number
/// arrays become tensors. Floats are float32 values written as the shortest double that equals them, so
/// parsing as double and narrowing to float restores the exact float32 bits.
/// </summary>
public sealed class ReferenceVectors
{
    readonly JsonElement root;

    ReferenceVectors(JsonElement root) => this.root = root;

    /// <summary>Parses a vectors file.</summary>
    public static ReferenceVectors Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return new ReferenceVectors(document.RootElement.Clone());
    }

    /// <summary>Loads <c>shared/fixtures/models/{name}.vectors.json</c>.</summary>
    public static ReferenceVectors LoadModel(string name) => Load(SharedFixtures.PathOf("models", $"{name}.vectors.json"));

    /// <summary>The JSON element at a dotted path such as "heads.token_classification.logits".</summary>
    public JsonElement Element(string dottedPath)
    {
        var element = root;
        foreach (var part in dottedPath.Split('.'))
        {
            if (!element.TryGetProperty(part, out element))
                throw new KeyNotFoundException($"reference vectors have no '{part}' in '{dottedPath}'");
        }
        return element;
    }

    /// <summary>A float32 tensor from the nested array at <paramref name="dottedPath"/>.</summary>
    public Tensor Floats(string dottedPath) => Floats(Element(dottedPath));

    /// <summary>An int64 tensor (token ids, masks) from the nested array at <paramref name="dottedPath"/>.</summary>
    public Tensor Longs(string dottedPath)
    {
        var (values, shape) = Flatten(Element(dottedPath), e => e.GetInt64());
        return tensor(values, shape);
    }

    /// <summary>A float32 tensor from a nested array element (e.g. one entry of hidden_states).</summary>
    public static Tensor Floats(JsonElement element)
    {
        var (values, shape) = Flatten(element, e => (float)e.GetDouble());
        return tensor(values, shape);
    }

    /// <summary>The (name, shape) pairs of a <c>state_dict_keys</c> list.</summary>
    public IReadOnlyList<(string Name, long[] Shape)> StateDictKeys(string dottedPath) =>
        Element(dottedPath).EnumerateArray()
            .Select(e => (e.GetProperty("name").GetString()!, e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray()))
            .ToList();

    static (T[] Values, long[] Shape) Flatten<T>(JsonElement element, Func<JsonElement, T> read)
    {
        var shape = new List<long>();
        for (var e = element; e.ValueKind == JsonValueKind.Array; e = e[0])
        {
            shape.Add(e.GetArrayLength());
            if (e.GetArrayLength() == 0) break;
        }
        var values = new List<T>();
        Collect(element, 0);
        return (values.ToArray(), shape.ToArray());

        void Collect(JsonElement e, int depth)
        {
            if (depth == shape.Count)
            {
                values.Add(read(e));
                return;
            }
            if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != shape[depth])
                throw new FormatException($"ragged array at depth {depth}: expected {shape[depth]} elements");
            foreach (var child in e.EnumerateArray()) Collect(child, depth + 1);
        }
    }

    /// <summary>
    /// The largest |actual − expected| over the positions where <paramref name="attentionMask"/> [B, L] is 1:
    /// tensors shaped [B, L, ...] are compared on real tokens, attentions [B, N, L, L] on real query rows.
    /// Without a mask every element counts.
    /// </summary>
    public static double MaxAbsDiff(Tensor actual, Tensor expected, Tensor? attentionMask = null)
    {
        using var scope = NewDisposeScope();
        if (!actual.shape.SequenceEqual(expected.shape))
            throw new ArgumentException($"shape [{string.Join(", ", actual.shape)}] differs from the reference [{string.Join(", ", expected.shape)}]");
        var diff = (actual.to_type(ScalarType.Float64) - expected.to_type(ScalarType.Float64)).abs();
        if (attentionMask is not null)
        {
            var keep = actual.dim() == 4
                ? attentionMask.unsqueeze(1).unsqueeze(3)          // [B, 1, L, 1]: query rows of attentions
                : attentionMask.reshape([.. attentionMask.shape, .. Enumerable.Repeat(1L, (int)actual.dim() - 2)]);
            diff = diff * keep.to_type(ScalarType.Float64);
        }
        return diff.max().item<double>();
    }
}
