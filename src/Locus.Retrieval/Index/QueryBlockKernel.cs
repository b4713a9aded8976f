using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Locus.Retrieval.Index;

/// <summary>
/// Dot products of one row with a block of queries stored back to back ([query][dimension]). Four queries are
/// scored per pass over the row, so each row chunk is loaded into a register once for four multiply-adds: with
/// the row read from memory once for the whole block, this is the inner loop of a blocked matrix product.
/// </summary>
internal static class QueryBlockKernel
{
    /// <summary>scores[q] = row · queries[q].</summary>
    public static void Score(ReadOnlySpan<float> row, ReadOnlySpan<float> queries, Span<float> scores)
    {
        var dimension = row.Length;
        var q = 0;
        for (; q + 4 <= scores.Length; q += 4) ScoreFour(row, queries.Slice(q * dimension, 4 * dimension), scores.Slice(q, 4));
        for (; q < scores.Length; q++) scores[q] = TensorPrimitives.Dot(row, queries.Slice(q * dimension, dimension));
    }

    private static void ScoreFour(ReadOnlySpan<float> row, ReadOnlySpan<float> queries, Span<float> scores)
    {
        var dimension = row.Length;
        ref var r = ref MemoryMarshal.GetReference(row);
        ref var q0 = ref MemoryMarshal.GetReference(queries);
        ref var q1 = ref Unsafe.Add(ref q0, dimension);
        ref var q2 = ref Unsafe.Add(ref q1, dimension);
        ref var q3 = ref Unsafe.Add(ref q2, dimension);
        Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
        var width = Vector<float>.Count;
        var d = 0;
        for (; d + width <= dimension; d += width)
        {
            var x = Vector.LoadUnsafe(ref r, (nuint)d);
            a0 = Vector.FusedMultiplyAdd(x, Vector.LoadUnsafe(ref q0, (nuint)d), a0);
            a1 = Vector.FusedMultiplyAdd(x, Vector.LoadUnsafe(ref q1, (nuint)d), a1);
            a2 = Vector.FusedMultiplyAdd(x, Vector.LoadUnsafe(ref q2, (nuint)d), a2);
            a3 = Vector.FusedMultiplyAdd(x, Vector.LoadUnsafe(ref q3, (nuint)d), a3);
        }
        float s0 = Vector.Sum(a0), s1 = Vector.Sum(a1), s2 = Vector.Sum(a2), s3 = Vector.Sum(a3);
        for (; d < dimension; d++)
        {
            var x = Unsafe.Add(ref r, d);
            s0 += x * Unsafe.Add(ref q0, d);
            s1 += x * Unsafe.Add(ref q1, d);
            s2 += x * Unsafe.Add(ref q2, d);
            s3 += x * Unsafe.Add(ref q3, d);
        }
        scores[0] = s0;
        scores[1] = s1;
        scores[2] = s2;
        scores[3] = s3;
    }
}
