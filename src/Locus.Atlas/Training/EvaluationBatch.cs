using static TorchSharp.torch;

namespace Locus.Atlas.Training;

/// <summary>Packs per-model evaluation sets of different sizes into padded tensors with a mask.</summary>
internal static class EvaluationBatch
{
    /// <summary>
    /// <paramref name="encodings"/> [numQueries, Q]; for each row b, <paramref name="queries"/>[b] indexes it and
    /// <paramref name="scores"/>[b] holds the matching scores. Returns queries [B, N, Q], scores [B, N], mask [B, N]
    /// where N is the largest set; padded positions are masked out.
    /// </summary>
    public static (Tensor Queries, Tensor Scores, Tensor Mask) Pack(Tensor encodings, IReadOnlyList<int[]> queries, IReadOnlyList<float[]> scores)
    {
        int b = queries.Count, n = queries.Max(q => q.Length);
        var index = new long[b * n];
        var score = new float[b * n];
        var mask = new bool[b * n];
        for (int i = 0; i < b; i++)
            for (int j = 0; j < queries[i].Length; j++)
            {
                index[i * n + j] = queries[i][j];
                score[i * n + j] = scores[i][j];
                mask[i * n + j] = true;
            }
        using var idx = tensor(index);
        var x = encodings.index_select(0, idx).view(b, n, encodings.shape[1]);
        return (x, tensor(score, b, n), tensor(mask, b, n));
    }
}
