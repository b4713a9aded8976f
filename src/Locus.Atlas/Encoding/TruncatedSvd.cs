using static TorchSharp.torch;

namespace Locus.Atlas.Encoding;

/// <summary>Truncated singular value decomposition of a dense matrix, with signs fixed for reproducibility.</summary>
internal static class TruncatedSvd
{
    /// <summary>
    /// Decomposes <paramref name="matrix"/> [rows, cols] as U S V^T and keeps the top <paramref name="rank"/>
    /// components. Each component's sign is chosen so that the largest-magnitude entry of its right vector is positive.
    /// Returns U*S [rows, rank] and V [cols, rank].
    /// </summary>
    public static (double[,] RowScores, double[,] Components) Compute(double[,] matrix, int rank)
    {
        int rows = matrix.GetLength(0), cols = matrix.GetLength(1);
        rank = Math.Min(rank, Math.Min(rows, cols));
        using var scope = NewDisposeScope();
        var x = tensor(matrix, ScalarType.Float64);
        var (u, s, vh) = linalg.svd(x, fullMatrices: false);
        var v = vh[..rank].t();                       // [cols, rank]
        var us = u[.., ..rank] * s[..rank];           // [rows, rank]
        var pivot = v.abs().argmax(0);                // [rank]
        var signs = v.gather(0, pivot.unsqueeze(0)).sign().squeeze(0);
        signs = where(signs == 0, ones_like(signs), signs);
        return (ToArray(us * signs), ToArray(v * signs));
    }

    private static double[,] ToArray(Tensor t)
    {
        var flat = t.contiguous().data<double>().ToArray();
        var r = new double[t.shape[0], t.shape[1]];
        Buffer.BlockCopy(flat, 0, r, 0, flat.Length * sizeof(double));
        return r;
    }
}
