using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Locus.Retrieval.Index;

/// <summary>
/// Encodes float vectors into the row layout of a <see cref="VectorDataType"/> and computes dot products
/// against encoded rows. Int8 rows are <c>[float scale][sbyte × dimension]</c>, value = scale × byte.
/// </summary>
public sealed class VectorCodec
{
    /// <summary>Creates a codec for vectors of <paramref name="dimension"/> components.</summary>
    public VectorCodec(VectorDataType dataType, int dimension)
    {
        if (dimension <= 0) throw new ArgumentOutOfRangeException(nameof(dimension), "dimension must be positive");
        if (!Enum.IsDefined(dataType)) throw new ArgumentOutOfRangeException(nameof(dataType));
        DataType = dataType;
        Dimension = dimension;
        RowBytes = dataType switch
        {
            VectorDataType.Float32 => dimension * sizeof(float),
            VectorDataType.Float16 => dimension * 2,
            _ => sizeof(float) + dimension,
        };
    }

    /// <summary>The storage type.</summary>
    public VectorDataType DataType { get; }

    /// <summary>Components per vector.</summary>
    public int Dimension { get; }

    /// <summary>Bytes one encoded vector occupies.</summary>
    public int RowBytes { get; }

    /// <summary>Writes <paramref name="vector"/> into <paramref name="row"/> (<see cref="RowBytes"/> long).</summary>
    public void Encode(ReadOnlySpan<float> vector, Span<byte> row)
    {
        CheckDimension(vector.Length);
        switch (DataType)
        {
            case VectorDataType.Float32:
                vector.CopyTo(MemoryMarshal.Cast<byte, float>(row));
                break;
            case VectorDataType.Float16:
                TensorPrimitives.ConvertToHalf(vector, MemoryMarshal.Cast<byte, Half>(row));
                break;
            default:
                // MaxMagnitude returns the signed component with the largest magnitude.
                var maxAbs = Math.Abs(TensorPrimitives.MaxMagnitude(vector));
                var scale = maxAbs > 0 ? maxAbs / 127f : 1f;
                MemoryMarshal.Write(row, scale);
                var bytes = MemoryMarshal.Cast<byte, sbyte>(row[sizeof(float)..]);
                for (var i = 0; i < vector.Length; i++)
                    bytes[i] = (sbyte)Math.Clamp(MathF.Round(vector[i] / scale), -127f, 127f);
                break;
        }
    }

    /// <summary>Decodes <paramref name="row"/> into <paramref name="vector"/>.</summary>
    public void Decode(ReadOnlySpan<byte> row, Span<float> vector)
    {
        CheckDimension(vector.Length);
        switch (DataType)
        {
            case VectorDataType.Float32:
                MemoryMarshal.Cast<byte, float>(row).CopyTo(vector);
                break;
            case VectorDataType.Float16:
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(row), vector);
                break;
            default:
                TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, sbyte>(row[sizeof(float)..]), vector);
                TensorPrimitives.Multiply(vector, MemoryMarshal.Read<float>(row), vector);
                break;
        }
    }

    /// <summary>
    /// Dot product of an encoded row with a float query. <paramref name="scratch"/> (<see cref="Dimension"/> floats)
    /// holds the decoded row for the compressed types, so the hot loop never allocates.
    /// </summary>
    public float Dot(ReadOnlySpan<byte> row, ReadOnlySpan<float> query, Span<float> scratch)
    {
        if (DataType == VectorDataType.Float32)
            return TensorPrimitives.Dot(MemoryMarshal.Cast<byte, float>(row), query);
        Decode(row, scratch);
        return TensorPrimitives.Dot(scratch, query);
    }

    private void CheckDimension(int length)
    {
        if (length != Dimension)
            throw new ArgumentException($"vector has {length} components, the index expects {Dimension}");
    }
}
