using System.Numerics.Tensors;

namespace Locus.Tests.Retrieval;

/// <summary>Seeded random unit vectors for index tests.</summary>
internal static class RandomVectors
{
    public static float[][] Unit(int count, int dimension, int seed)
    {
        var random = new Random(seed);
        var vectors = new float[count][];
        for (var i = 0; i < count; i++)
        {
            var v = new float[dimension];
            for (var d = 0; d < dimension; d++) v[d] = (float)(random.NextDouble() * 2 - 1);
            TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
            vectors[i] = v;
        }
        return vectors;
    }

    /// <summary>Indices of the k largest dot products, computed the slow obvious way.</summary>
    public static int[] BruteForce(float[][] vectors, float[] query, int k) =>
        Enumerable.Range(0, vectors.Length)
            .Select(i => (i, score: vectors[i].Zip(query, (a, b) => (double)a * b).Sum()))
            .OrderByDescending(t => t.score).ThenBy(t => t.i)
            .Take(k).Select(t => t.i).ToArray();

    public static Locus.Retrieval.Index.VectorRecordMetadata[] Metadata(int count, int offset = 0) =>
        Enumerable.Range(offset, count).Select(i => new Locus.Retrieval.Index.VectorRecordMetadata((ulong)i, $"text {i}", $"file{i % 3}.txt", i + 1)).ToArray();
}
