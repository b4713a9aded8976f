namespace Locus.Data;

/// <summary>
/// Summary of a list of counts. Percentiles interpolate linearly between the two nearest ranks, as NumPy's
/// default <c>percentile</c> does. All values are 0 for an empty list.
/// </summary>
/// <param name="Count">Number of values.</param>
/// <param name="Min">Smallest value.</param>
/// <param name="Mean">Arithmetic mean.</param>
/// <param name="Median">50th percentile.</param>
/// <param name="P95">95th percentile.</param>
/// <param name="Max">Largest value.</param>
public sealed record Distribution(int Count, double Min, double Mean, double Median, double P95, double Max)
{
    /// <summary>Summarises <paramref name="values"/>.</summary>
    public static Distribution Of(IEnumerable<int> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return new Distribution(0, 0, 0, 0, 0, 0);
        return new Distribution(sorted.Length, sorted[0], sorted.Average(v => (double)v), Percentile(sorted, 0.5), Percentile(sorted, 0.95), sorted[^1]);
    }

    /// <summary>The <paramref name="fraction"/> quantile (0 to 1) of sorted values, linearly interpolated.</summary>
    public static double Percentile(IReadOnlyList<int> sorted, double fraction)
    {
        var position = fraction * (sorted.Count - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
