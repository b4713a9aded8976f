namespace Locus.Atlas.Bench;

/// <summary>Metrics used by the atlas benchmark.</summary>
public static class BenchMetrics
{
    /// <summary>Fraction of predictions on the right side of 0.5 (graded labels are thresholded at 0.5).</summary>
    public static double Accuracy(IReadOnlyList<double> predictions, IReadOnlyList<double> labels)
    {
        int right = 0;
        for (int i = 0; i < predictions.Count; i++) if (predictions[i] >= 0.5 == labels[i] >= 0.5) right++;
        return predictions.Count == 0 ? double.NaN : (double)right / predictions.Count;
    }

    /// <summary>Area under the ROC curve (Mann-Whitney, ties count half); NaN when one class is absent.</summary>
    public static double Auc(IReadOnlyList<double> predictions, IReadOnlyList<double> labels)
    {
        var ranks = Ranks(predictions);
        double positives = 0, rankSum = 0;
        for (int i = 0; i < labels.Count; i++)
            if (labels[i] >= 0.5) { positives++; rankSum += ranks[i]; }
        double negatives = labels.Count - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
    }

    /// <summary>Pearson correlation; NaN when either side is constant.</summary>
    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>Spearman rank correlation (Pearson of average ranks).</summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y) => Pearson(Ranks(x), Ranks(y));

    /// <summary>1-based ranks, ties sharing their average rank.</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[i]]) j++;
            double rank = (i + j) / 2.0 + 1;
            for (int t = i; t <= j; t++) ranks[order[t]] = rank;
            i = j + 1;
        }
        return ranks;
    }

    /// <summary>Mean and sample standard deviation (0 for one value) of the finite values.</summary>
    public static (double Mean, double Std, int Count) MeanStd(IEnumerable<double> values)
    {
        var v = values.Where(double.IsFinite).ToArray();
        if (v.Length == 0) return (double.NaN, double.NaN, 0);
        double mean = v.Average();
        double std = v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)) : 0;
        return (mean, std, v.Length);
    }
}
