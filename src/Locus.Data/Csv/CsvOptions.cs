namespace Locus.Data;

/// <summary>How a classification CSV file is laid out.</summary>
public sealed class CsvOptions
{
    /// <summary>Label column names tried, in order, when a file with a header does not say which column holds the label.</summary>
    public static readonly IReadOnlyList<string> DefaultLabelColumns = ["label", "labels", "category", "intent", "class"];

    /// <summary>Whether the first row names the columns; true by default.</summary>
    public bool HasHeader { get; set; } = true;

    /// <summary>
    /// The text column: a header name, or a 0-based index. Null: the column named <c>text</c>, or column 0 without
    /// a header. When writing, a name here is used as the header.
    /// </summary>
    public string? TextColumn { get; set; }

    /// <summary>
    /// The label column: a header name, or a 0-based index. Null: the first of <see cref="DefaultLabelColumns"/>
    /// found in the header, or column 1 without a header. When writing, a name here is used as the header.
    /// </summary>
    public string? LabelColumn { get; set; }

    /// <summary>The field delimiter; a comma by default.</summary>
    public char Delimiter { get; set; } = ',';

    /// <summary>
    /// For multi-label data: the separator between labels in the label cell (e.g. <c>|</c>). Null: one label
    /// per row.
    /// </summary>
    public string? LabelSeparator { get; set; }
}
