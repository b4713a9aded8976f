namespace Locus.Evaluation;

/// <summary>Options for text-classification metrics (single- and multi-label).</summary>
public sealed class ClassificationOptions
{
    /// <summary>
    /// The labels to report, in this order. When null, the labels seen in the gold data or the predictions,
    /// sorted ordinally (scikit-learn's <c>unique_labels</c>). A listed label that never occurs still gets a row
    /// (with zero scores) and counts in the macro average; a label that occurs but is not listed is an error.
    /// </summary>
    public IReadOnlyList<string>? Labels { get; set; }

    /// <summary>The value of undefined precision or recall; the default warns, as scikit-learn does.</summary>
    public ZeroDivision ZeroDivision { get; set; } = ZeroDivision.Warn;
}
