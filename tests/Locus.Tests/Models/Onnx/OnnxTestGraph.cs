using System.Text;

namespace Locus.Tests.Models.Onnx;

/// <summary>
/// Writes small ONNX models in the protobuf wire format for importer tests: nodes, float/int64 initializers and
/// Constant nodes, laid out as torch.onnx.export lays out a BERT encoder.
/// </summary>
internal sealed class OnnxTestGraph
{
    private readonly List<byte[]> _nodes = [];
    private readonly List<byte[]> _initializers = [];

    public void Node(string opType, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        var node = new Message();
        foreach (var input in inputs) node.String(1, input);
        foreach (var output in outputs) node.String(2, output);
        node.String(3, $"{opType}_{_nodes.Count}");
        node.String(4, opType);
        foreach (var (name, value) in attributes)
        {
            var attribute = new Message();
            attribute.String(1, name);
            switch (value)
            {
                case long i: attribute.Varint(3, (ulong)i); break;
                case float f: attribute.Float(2, f); break;
                case string s: attribute.String(4, s); break;
                case byte[] tensor: attribute.Bytes(5, tensor); break;
            }
            node.Bytes(5, attribute.ToArray());
        }
        _nodes.Add(node.ToArray());
    }

    public void Floats(string name, long[] dims, float[] values) => _initializers.Add(Tensor(name, dims, 1, values.SelectMany(BitConverter.GetBytes).ToArray()));

    public void Int64s(string name, long[] dims, long[] values) => _initializers.Add(Tensor(name, dims, 7, values.SelectMany(BitConverter.GetBytes).ToArray()));

    /// <summary>A Constant node holding a float scalar.</summary>
    public void ConstantScalar(string output, float value) =>
        Node("Constant", [], [output], ("value", Tensor("", [], 1, BitConverter.GetBytes(value))));

    public byte[] ToModel()
    {
        var graph = new Message();
        foreach (var node in _nodes) graph.Bytes(1, node);
        graph.String(2, "test");
        foreach (var initializer in _initializers) graph.Bytes(5, initializer);
        var model = new Message();
        model.Varint(1, 7);
        model.String(2, "locus-tests");
        model.Bytes(7, graph.ToArray());
        return model.ToArray();
    }

    private static byte[] Tensor(string name, long[] dims, int dataType, byte[] raw)
    {
        var tensor = new Message();
        foreach (var d in dims) tensor.Varint(1, (ulong)d);
        tensor.Varint(2, (ulong)dataType);
        tensor.String(8, name);
        tensor.Bytes(9, raw);
        return tensor.ToArray();
    }

    private sealed class Message
    {
        private readonly MemoryStream _bytes = new();

        public void Varint(int field, ulong value)
        {
            Key(field, 0);
            Raw(value);
        }

        public void Float(int field, float value)
        {
            Key(field, 5);
            _bytes.Write(BitConverter.GetBytes(value));
        }

        public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public void Bytes(int field, byte[] value)
        {
            Key(field, 2);
            Raw((ulong)value.Length);
            _bytes.Write(value);
        }

        public byte[] ToArray() => _bytes.ToArray();

        private void Key(int field, int wireType) => Raw((ulong)(field << 3 | wireType));

        private void Raw(ulong value)
        {
            while (value >= 0x80)
            {
                _bytes.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }
            _bytes.WriteByte((byte)value);
        }
    }
}
