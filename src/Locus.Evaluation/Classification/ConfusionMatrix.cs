using System.Globalization;
using System.Text;

namespace Locus.Evaluation;

/// <summary>
/// Counts of (gold label, predicted label) pairs, scikit-learn's <c>confusion_matrix</c> layout:
/// <c>Counts[i][j]</c> is the number of examples whose gold label is <c>Labels[i]</c> and predicted label <c>Labels[j]</c>.
/// </summary>
/// <param name="Labels">Row and column labels, in order.</param>
/// <param name="Counts">Rows are gold labels, columns predicted labels.</param>
public sealed record ConfusionMatrix(IReadOnlyList<string> Labels, IReadOnlyList<IReadOnlyList<int>> Counts)
{
    /// <summary>Builds the matrix from single-label gold and predicted labels.</summary>
    /// <param name="gold">Gold label per example.</param>
    /// <param name="predicted">Predicted label per example, same count.</param>
    /// <param name="labels">Row/column order; the labels seen, sorted ordinally, when null.</param>
    /// <exception cref="LocusException">Counts differ, a label is empty, or a label is missing from <paramref name="labels"/>.</exception>
    public static ConfusionMatrix Build(IReadOnlyList<string> gold, IReadOnlyList<string> predicted, IReadOnlyList<string>? labels = null)
    {
        ClassificationMetrics.CheckPairs(gold, predicted);
        var order = LabelSet.Resolve(labels, gold.Concat(predicted));
        var index = order.Select((label, i) => (label, i)).ToDictionary(p => p.label, p => p.i, StringComparer.Ordinal);
        var counts = order.Select(_ => new int[order.Count]).ToArray();
        for (var e = 0; e < gold.Count; e++) counts[index[gold[e]]][index[predicted[e]]]++;
        return new ConfusionMatrix(order, counts);
    }

    /// <summary>
    /// A plain-text table: one row per gold label, one column per predicted label, headed "gold \ predicted".
    /// </summary>
    public string ToText()
    {
        const string corner = "gold \\ predicted";
        var rowHeader = Math.Max(corner.Length, Labels.Select(l => l.Length).DefaultIfEmpty(0).Max());
        var widths = Labels.Select((label, j) =>
            Math.Max(label.Length, Counts.Select(row => row[j].ToString(CultureInfo.InvariantCulture).Length).DefaultIfEmpty(1).Max())).ToList();
        var text = new StringBuilder();
        text.Append(corner.PadRight(rowHeader));
        for (var j = 0; j < Labels.Count; j++) text.Append("  ").Append(Labels[j].PadLeft(widths[j]));
        text.Append('\n');
        for (var i = 0; i < Labels.Count; i++)
        {
            text.Append(Labels[i].PadRight(rowHeader));
            for (var j = 0; j < Labels.Count; j++) text.Append("  ").Append(Counts[i][j].ToString(CultureInfo.InvariantCulture).PadLeft(widths[j]));
            text.Append('\n');
        }

        return text.ToString();
    }
}
