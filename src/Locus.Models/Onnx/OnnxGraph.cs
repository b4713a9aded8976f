using System.Buffers.Binary;
using Locus.Models.Protobuf;

namespace Locus.Models.Onnx;

/// <summary>ONNX's TensorProto.DataType values that a weight can have.</summary>
public enum OnnxDataType
{
    /// <summary>Not set.</summary>
    Undefined = 0,
    /// <summary>32-bit float.</summary>
    Float = 1,
    /// <summary>Unsigned byte.</summary>
    UInt8 = 2,
    /// <summary>Signed byte.</summary>
    Int8 = 3,
    /// <summary>32-bit integer.</summary>
    Int32 = 6,
    /// <summary>64-bit integer.</summary>
    Int64 = 7,
    /// <summary>Boolean.</summary>
    Bool = 9,
    /// <summary>IEEE half precision.</summary>
    Float16 = 10,
    /// <summary>64-bit float.</summary>
    Double = 11,
    /// <summary>bfloat16.</summary>
    BFloat16 = 16,
}

/// <summary>A constant tensor of the graph (an initializer, or a Constant node's value).</summary>
/// <param name="Name">The tensor's name in the graph.</param>
/// <param name="DataType">Element type.</param>
/// <param name="Dims">Shape; empty for a scalar.</param>
/// <param name="RawData">Little-endian element bytes (raw_data), or empty when the typed fields hold the values.</param>
/// <param name="FloatData">float_data, when the values are stored there.</param>
/// <param name="IntData">int64_data or int32_data (float16/bfloat16 bit patterns included), when the values are stored there.</param>
public sealed record OnnxTensor(string Name, OnnxDataType DataType, long[] Dims, ReadOnlyMemory<byte> RawData, float[] FloatData, long[] IntData)
{
    /// <summary>Number of elements.</summary>
    public long ElementCount => Dims.Aggregate(1L, (a, b) => a * b);

    /// <summary>The values as 32-bit floats (float, float16, bfloat16 and double weights).</summary>
    /// <exception cref="OnnxImportException">The tensor holds integers or another type.</exception>
    public float[] ToFloats()
    {
        var count = checked((int)ElementCount);
        var raw = RawData.Span;
        var values = new float[count];
        switch (DataType)
        {
            case OnnxDataType.Float when raw.Length > 0:
                Expect(raw.Length, count * 4);
                for (var i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(4 * i));
                return values;
            case OnnxDataType.Float:
                Expect(FloatData.Length, count);
                return FloatData.ToArray();
            case OnnxDataType.Double when raw.Length > 0:
                Expect(raw.Length, count * 8);
                for (var i = 0; i < count; i++) values[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(raw.Slice(8 * i));
                return values;
            case OnnxDataType.Float16 or OnnxDataType.BFloat16:
                var bits = new ushort[count];
                if (raw.Length > 0)
                {
                    Expect(raw.Length, count * 2);
                    for (var i = 0; i < count; i++) bits[i] = BinaryPrimitives.ReadUInt16LittleEndian(raw.Slice(2 * i));
                }
                else
                {
                    Expect(IntData.Length, count);
                    for (var i = 0; i < count; i++) bits[i] = (ushort)IntData[i];
                }
                for (var i = 0; i < count; i++)
                    values[i] = DataType == OnnxDataType.Float16 ? (float)BitConverter.UInt16BitsToHalf(bits[i]) : BitConverter.Int32BitsToSingle(bits[i] << 16);
                return values;
            default:
                throw new OnnxImportException($"initializer '{Name}' holds {DataType} values, not floating-point weights");
        }
    }

    /// <summary>The values as 64-bit integers (int64 and int32 tensors; shape constants).</summary>
    public long[] ToInt64s()
    {
        var count = checked((int)ElementCount);
        var raw = RawData.Span;
        if (raw.Length == 0)
        {
            Expect(IntData.Length, count);
            return IntData.ToArray();
        }
        var values = new long[count];
        switch (DataType)
        {
            case OnnxDataType.Int64:
                Expect(raw.Length, count * 8);
                for (var i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadInt64LittleEndian(raw.Slice(8 * i));
                return values;
            case OnnxDataType.Int32:
                Expect(raw.Length, count * 4);
                for (var i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadInt32LittleEndian(raw.Slice(4 * i));
                return values;
            default:
                throw new OnnxImportException($"constant '{Name}' holds {DataType} values, not integers");
        }
    }

    /// <summary>True for the floating-point types that weights come in.</summary>
    public bool IsFloatingPoint => DataType is OnnxDataType.Float or OnnxDataType.Float16 or OnnxDataType.BFloat16 or OnnxDataType.Double;

    private void Expect(int actual, int expected)
    {
        if (actual != expected) throw new OnnxImportException($"initializer '{Name}': {actual} stored values/bytes where its shape [{string.Join(", ", Dims)}] needs {expected}");
    }
}

/// <summary>One node of the graph: an operator applied to named inputs, producing named outputs.</summary>
/// <param name="Name">Node name (may be empty).</param>
/// <param name="OpType">Operator, e.g. MatMul, Add, LayerNormalization.</param>
/// <param name="Inputs">Input value names (an empty name is an omitted optional input).</param>
/// <param name="Outputs">Output value names.</param>
/// <param name="Attributes">Attributes by name: floats, integers, strings and tensors (Constant's value).</param>
public sealed record OnnxNode(string Name, string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlyDictionary<string, object> Attributes);

/// <summary>
/// The computation graph of an ONNX model: nodes, initializers (weights), graph inputs and outputs. Parsed from
/// the protobuf bytes by a small reader of the fields that importing needs; the weights stay slices of the input.
/// </summary>
public sealed class OnnxGraph
{
    private OnnxGraph(List<OnnxNode> nodes, Dictionary<string, OnnxTensor> initializers, List<string> inputs, List<string> outputs, string producer)
    {
        Nodes = nodes;
        Initializers = initializers;
        Inputs = inputs;
        Outputs = outputs;
        Producer = producer;
        var producers = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        var consumers = new Dictionary<string, List<OnnxNode>>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            foreach (var output in node.Outputs) producers[output] = node;
            foreach (var input in node.Inputs.Where(i => i.Length > 0))
            {
                if (!consumers.TryGetValue(input, out var list)) consumers[input] = list = [];
                list.Add(node);
            }
        }
        ProducerOf = producers;
        _consumers = consumers;
    }

    private readonly Dictionary<string, List<OnnxNode>> _consumers;

    /// <summary>Nodes in file order (ONNX requires topological order).</summary>
    public IReadOnlyList<OnnxNode> Nodes { get; }

    /// <summary>Initializers by name.</summary>
    public IReadOnlyDictionary<string, OnnxTensor> Initializers { get; }

    /// <summary>Graph input names that are not initializers (the runtime inputs).</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>Graph output names.</summary>
    public IReadOnlyList<string> Outputs { get; }

    /// <summary>producer_name and producer_version of the model ("pytorch 2.1", ...).</summary>
    public string Producer { get; }

    /// <summary>The node that computes each value.</summary>
    public IReadOnlyDictionary<string, OnnxNode> ProducerOf { get; }

    /// <summary>The constant behind a value: an initializer, or the value of a Constant node; null when computed.</summary>
    public OnnxTensor? ConstantOf(string value)
    {
        if (Initializers.TryGetValue(value, out var tensor)) return tensor;
        return ProducerOf.TryGetValue(value, out var node) && node.OpType == "Constant" && node.Attributes.TryGetValue("value", out var v) ? v as OnnxTensor : null;
    }

    /// <summary>The nodes reading <paramref name="value"/>; empty when none does.</summary>
    public IReadOnlyList<OnnxNode> Consumers(string value) => _consumers.TryGetValue(value, out var list) ? list : [];

    /// <summary>Reads an .onnx file.</summary>
    /// <exception cref="OnnxImportException">The file is not an ONNX model this reader understands.</exception>
    public static OnnxGraph Load(string path)
    {
        if (!File.Exists(path)) throw new OnnxImportException($"{path}: file not found");
        try { return Parse(File.ReadAllBytes(path)); }
        catch (OnnxImportException e) { throw new OnnxImportException($"{path}: {e.Message}"); }
    }

    /// <summary>Parses the bytes of a serialised ModelProto.</summary>
    /// <exception cref="OnnxImportException">The bytes are not an ONNX model, or it keeps its weights in external files.</exception>
    public static OnnxGraph Parse(ReadOnlyMemory<byte> model)
    {
        try
        {
            ReadOnlyMemory<byte>? graph = null;
            string producer = "", version = "";
            var reader = new ProtobufReader(model);
            while (!reader.End)
            {
                var (field, wire) = reader.ReadKey();
                switch (field)
                {
                    case 2 when wire == ProtobufReader.LengthDelimited: producer = reader.ReadString(); break;
                    case 3 when wire == ProtobufReader.LengthDelimited: version = reader.ReadString(); break;
                    case 7 when wire == ProtobufReader.LengthDelimited: graph = reader.ReadBytes(); break;
                    default: reader.Skip(wire); break;
                }
            }
            if (graph is null) throw new OnnxImportException("not an ONNX model (no graph)");
            return ParseGraph(graph.Value, $"{producer} {version}".Trim());
        }
        catch (FormatException e)
        {
            throw new OnnxImportException($"not a valid ONNX protobuf file ({e.Message})");
        }
    }

    private static OnnxGraph ParseGraph(ReadOnlyMemory<byte> bytes, string producer)
    {
        var nodes = new List<OnnxNode>();
        var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        var inputs = new List<string>();
        var outputs = new List<string>();
        var reader = new ProtobufReader(bytes);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadKey();
            switch (field)
            {
                case 1: nodes.Add(ParseNode(reader.ReadBytes())); break;
                case 5:
                    var tensor = ParseTensor(reader.ReadBytes());
                    initializers[tensor.Name] = tensor;
                    break;
                case 11: inputs.Add(ParseValueInfoName(reader.ReadBytes())); break;
                case 12: outputs.Add(ParseValueInfoName(reader.ReadBytes())); break;
                default: reader.Skip(wire); break;
            }
        }
        inputs.RemoveAll(initializers.ContainsKey);
        return new OnnxGraph(nodes, initializers, inputs, outputs, producer);
    }

    private static OnnxNode ParseNode(ReadOnlyMemory<byte> bytes)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new Dictionary<string, object>(StringComparer.Ordinal);
        string name = "", opType = "";
        var reader = new ProtobufReader(bytes);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadKey();
            switch (field)
            {
                case 1: inputs.Add(reader.ReadString()); break;
                case 2: outputs.Add(reader.ReadString()); break;
                case 3: name = reader.ReadString(); break;
                case 4: opType = reader.ReadString(); break;
                case 5:
                    var (key, value) = ParseAttribute(reader.ReadBytes());
                    if (value is not null) attributes[key] = value;
                    break;
                default: reader.Skip(wire); break;
            }
        }
        return new OnnxNode(name, opType, inputs, outputs, attributes);
    }

    // AttributeProto: name = 1, f = 2, i = 3, s = 4, t = 5, floats = 7, ints = 8. Graph-valued attributes are not kept.
    private static (string Name, object? Value) ParseAttribute(ReadOnlyMemory<byte> bytes)
    {
        string name = "";
        object? value = null;
        var floats = new List<float>();
        var ints = new List<long>();
        var reader = new ProtobufReader(bytes);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadKey();
            switch (field)
            {
                case 1: name = reader.ReadString(); break;
                case 2 when wire == ProtobufReader.Fixed32: value = reader.ReadFloat(); break;
                case 3 when wire == ProtobufReader.Varint: value = (long)reader.ReadVarint(); break;
                case 4 when wire == ProtobufReader.LengthDelimited: value = reader.ReadString(); break;
                case 5 when wire == ProtobufReader.LengthDelimited: value = ParseTensor(reader.ReadBytes()); break;
                case 7: reader.ReadFloats(wire, floats); break;
                case 8: reader.ReadInt64s(wire, ints); break;
                default: reader.Skip(wire); break;
            }
        }
        if (floats.Count > 0) value = floats.ToArray();
        if (ints.Count > 0) value = ints.ToArray();
        return (name, value);
    }

    // TensorProto: dims = 1, data_type = 2, float_data = 4, int32_data = 5, int64_data = 7, name = 8, raw_data = 9, data_location = 14.
    private static OnnxTensor ParseTensor(ReadOnlyMemory<byte> bytes)
    {
        var dims = new List<long>();
        var floats = new List<float>();
        var ints = new List<long>();
        var type = OnnxDataType.Undefined;
        string name = "";
        ReadOnlyMemory<byte> raw = default;
        var external = false;
        var reader = new ProtobufReader(bytes);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadKey();
            switch (field)
            {
                case 1: reader.ReadInt64s(wire, dims); break;
                case 2 when wire == ProtobufReader.Varint: type = (OnnxDataType)(int)reader.ReadVarint(); break;
                case 4: reader.ReadFloats(wire, floats); break;
                case 5 or 7: reader.ReadInt64s(wire, ints); break;
                case 8: name = reader.ReadString(); break;
                case 9: raw = reader.ReadBytes(); break;
                case 14 when wire == ProtobufReader.Varint: external = reader.ReadVarint() == 1; break;
                default: reader.Skip(wire); break;
            }
        }
        if (external)
            throw new OnnxImportException($"initializer '{name}' is stored in an external data file; export with the weights inside the .onnx file (e.g. onnx.save(model, path, save_as_external_data=False))");
        return new OnnxTensor(name, type, dims.ToArray(), raw, floats.ToArray(), ints.ToArray());
    }

    private static string ParseValueInfoName(ReadOnlyMemory<byte> bytes)
    {
        var reader = new ProtobufReader(bytes);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadKey();
            if (field == 1 && wire == ProtobufReader.LengthDelimited) return reader.ReadString();
            reader.Skip(wire);
        }
        return "";
    }
}

/// <summary>An ONNX file that cannot be read or mapped onto a supported architecture; the message says why.</summary>
public sealed class OnnxImportException(string message) : LocusException(message);
