namespace Locus.Atlas.Encoding;

/// <summary>Per-dimension centring and scaling fitted on the training encodings, so every encoder feeds the network unit-scale inputs.</summary>
internal sealed class Standardizer
{
    public Standardizer(double[] mean, double[] scale) { Mean = mean; Scale = scale; }

    public double[] Mean { get; }

    public double[] Scale { get; }

    /// <summary>Fits mean and standard deviation per column of <paramref name="rows"/> [n, d].</summary>
    public static Standardizer Fit(double[,] rows)
    {
        int n = rows.GetLength(0), d = rows.GetLength(1);
        var mean = new double[d];
        var scale = new double[d];
        for (int j = 0; j < d; j++)
        {
            double s = 0, s2 = 0;
            for (int i = 0; i < n; i++) { s += rows[i, j]; s2 += rows[i, j] * rows[i, j]; }
            mean[j] = s / n;
            var sd = Math.Sqrt(Math.Max(s2 / n - mean[j] * mean[j], 0));
            scale[j] = sd > 1e-12 ? 1 / sd : 1;
        }
        return new Standardizer(mean, scale);
    }

    public float[] Apply(ReadOnlySpan<double> row)
    {
        var r = new float[row.Length];
        for (int j = 0; j < row.Length; j++) r[j] = (float)((row[j] - Mean[j]) * Scale[j]);
        return r;
    }

    public void Save(BinaryWriter w)
    {
        w.Write(Mean.Length);
        foreach (var m in Mean) w.Write(m);
        foreach (var s in Scale) w.Write(s);
    }

    public static Standardizer Load(BinaryReader r)
    {
        int d = r.ReadInt32();
        var mean = new double[d];
        var scale = new double[d];
        for (int j = 0; j < d; j++) mean[j] = r.ReadDouble();
        for (int j = 0; j < d; j++) scale[j] = r.ReadDouble();
        return new Standardizer(mean, scale);
    }
}
