using System.Buffers.Binary;

namespace Locus.Models.Protobuf;

/// <summary>
/// A forward-only reader of the protobuf wire format over one message's bytes: enough to walk ONNX's ModelProto and
/// SentencePiece's ModelProto without generated code. Fields are read in file order; unknown fields are skipped by
/// <see cref="Skip"/>. Length-delimited values are returned as slices of the input, never copied.
/// </summary>
internal ref struct ProtobufReader(ReadOnlyMemory<byte> message)
{
    /// <summary>Wire type of a varint (int32, int64, uint64, bool, enum).</summary>
    public const int Varint = 0;

    /// <summary>Wire type of a 64-bit fixed value (double, fixed64).</summary>
    public const int Fixed64 = 1;

    /// <summary>Wire type of a length-delimited value (string, bytes, sub-message, packed repeated).</summary>
    public const int LengthDelimited = 2;

    /// <summary>Wire type of a 32-bit fixed value (float, fixed32).</summary>
    public const int Fixed32 = 5;

    private readonly ReadOnlyMemory<byte> _message = message;
    private int _position;

    /// <summary>True when every field has been read.</summary>
    public readonly bool End => _position >= _message.Length;

    /// <summary>Reads the next field's key into <paramref name="field"/> and <paramref name="wireType"/>; false at the end of the message.</summary>
    public bool Next(out int field, out int wireType)
    {
        (field, wireType) = End ? (0, 0) : ReadKey();
        return field != 0;
    }

    /// <summary>Reads the next field's key: its number and wire type.</summary>
    public (int Field, int WireType) ReadKey()
    {
        var key = ReadVarint();
        return ((int)(key >> 3), (int)(key & 7));
    }

    /// <summary>Reads a base-128 varint.</summary>
    public ulong ReadVarint()
    {
        var span = _message.Span;
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= span.Length) throw new FormatException("truncated varint");
            var b = span[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new FormatException("varint longer than 10 bytes");
    }

    /// <summary>Reads a length-delimited value as a slice of the message.</summary>
    public ReadOnlyMemory<byte> ReadBytes()
    {
        var length = ReadVarint();
        if (length > (ulong)(_message.Length - _position)) throw new FormatException($"a field of {length} bytes runs past the end of its message");
        var slice = _message.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    /// <summary>Reads a length-delimited UTF-8 string.</summary>
    public string ReadString() => System.Text.Encoding.UTF8.GetString(ReadBytes().Span);

    /// <summary>Reads a 32-bit little-endian float.</summary>
    public float ReadFloat()
    {
        if (_position + 4 > _message.Length) throw new FormatException("truncated fixed32");
        var value = BinaryPrimitives.ReadSingleLittleEndian(_message.Span.Slice(_position, 4));
        _position += 4;
        return value;
    }

    /// <summary>Reads a repeated int64 field, packed (one length-delimited run) or not (one value).</summary>
    public void ReadInt64s(int wireType, List<long> into)
    {
        if (wireType != LengthDelimited)
        {
            into.Add((long)ReadVarint());
            return;
        }
        var packed = new ProtobufReader(ReadBytes());
        while (!packed.End) into.Add((long)packed.ReadVarint());
    }

    /// <summary>Reads a repeated float field, packed or not.</summary>
    public void ReadFloats(int wireType, List<float> into)
    {
        if (wireType != LengthDelimited)
        {
            into.Add(ReadFloat());
            return;
        }
        var packed = new ProtobufReader(ReadBytes());
        while (!packed.End) into.Add(packed.ReadFloat());
    }

    /// <summary>Skips a field of <paramref name="wireType"/> whose key was just read.</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: Advance(8); break;
            case LengthDelimited: ReadBytes(); break;
            case Fixed32: Advance(4); break;
            default: throw new FormatException($"unsupported protobuf wire type {wireType} (groups are not used by ONNX)");
        }
    }

    private void Advance(int count)
    {
        if (_position + count > _message.Length) throw new FormatException("truncated fixed-size field");
        _position += count;
    }
}
