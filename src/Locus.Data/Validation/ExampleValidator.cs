namespace Locus.Data;

/// <summary>
/// Checks examples one by one and adds what is wrong to a <see cref="ValidationReport"/>. Errors: empty text,
/// spans out of range, empty or reversed, covering only whitespace or half a character, overlapping or repeated;
/// empty labels; labels missing from the schema. Warnings: spans with surrounding whitespace, repeated labels
/// in a multi-label example, texts seen before (duplicates, or the same text annotated differently).
/// </summary>
public sealed class ExampleValidator
{
    private readonly ValidationReport _report;
    private readonly LabelSchema? _schema;
    private readonly Dictionary<string, (int Line, string Annotation)> _seenTexts = new(StringComparer.Ordinal);

    /// <summary>Creates a validator that writes to <paramref name="report"/> and, when given, checks labels against <paramref name="schema"/>.</summary>
    public ExampleValidator(ValidationReport report, LabelSchema? schema = null)
    {
        _report = report;
        _schema = schema;
    }

    /// <summary>Checks one record, counts it in the report, and returns whether it had no error.</summary>
    public bool Check(DataRecord record)
    {
        var errorsBefore = _report.ErrorCount;
        var example = record.Example;
        void Error(string? field, string problem) => _report.Add(DataIssue.Error(record.Source, record.Line, field, problem));
        void Warn(string? field, string problem) => _report.Add(DataIssue.Warning(record.Source, record.Line, field, problem));

        if (_schema is not null && _schema.Task != example.Task)
            Error(null, $"a {example.Task.ToName()} example, but the schema is for {_schema.Task.ToName()}");
        if (string.IsNullOrWhiteSpace(example.Text)) Error("text", example.Text.Length == 0 ? "empty" : "only whitespace");

        var annotation = example switch
        {
            NerExample ner => CheckSpans(ner, Error, Warn),
            ClassificationExample classification => CheckLabels(classification, Error, Warn),
            _ => throw new ArgumentException($"Unknown example type {example.GetType().Name}.", nameof(record)),
        };

        if (_seenTexts.TryGetValue(example.Text, out var first))
            Warn("text", first.Annotation == annotation
                ? $"duplicate of the example on line {first.Line}"
                : $"same text as line {first.Line} but annotated differently");
        else
            _seenTexts[example.Text] = (record.Line, annotation);

        var valid = _report.ErrorCount == errorsBefore;
        _report.CountRecord(valid);
        return valid;
    }

    // Returns a canonical form of the annotation, used to tell duplicates from conflicting copies.
    private string CheckSpans(NerExample example, Action<string?, string> error, Action<string?, string> warn)
    {
        var text = example.Text;
        var checkedSpans = new List<(int Index, EntitySpan Span)>();
        for (var i = 0; i < example.Spans.Count; i++)
        {
            var span = example.Spans[i];
            var field = $"spans[{i}]";
            CheckLabel(span.Label, field + ".label", error);
            var startOk = span.Start >= 0 && span.Start <= text.Length;
            var endOk = span.End >= 0 && span.End <= text.Length;
            if (!startOk) error(field + ".start", $"{span.Start} is outside the text (0 to {text.Length})");
            if (!endOk) error(field + ".end", $"{span.End} is outside the text (0 to {text.Length})");
            if (!startOk || !endOk) continue;
            if (span.Start >= span.End)
            {
                error(field, span.Start == span.End ? $"empty span (start = end = {span.Start})" : $"start {span.Start} is after end {span.End}");
                continue;
            }
            if (SplitsCharacter(text, span.Start) || SplitsCharacter(text, span.End))
            {
                error(field, "an offset falls between the two halves of a surrogate pair");
                continue;
            }
            var covered = text[span.Start..span.End];
            if (string.IsNullOrWhiteSpace(covered)) error(field, "covers only whitespace");
            else if (covered.Trim() != covered) warn(field, $"has leading or trailing whitespace: '{covered}'");

            foreach (var (otherIndex, other) in checkedSpans)
            {
                if (!span.Overlaps(other)) continue;
                error(field, other == span
                    ? $"duplicate of spans[{otherIndex}]"
                    : $"'{covered}' [{span.Start}, {span.End}) {span.Label} overlaps spans[{otherIndex}] [{other.Start}, {other.End}) {other.Label}");
                break;
            }
            checkedSpans.Add((i, span));
        }
        return string.Join(";", example.Spans.OrderBy(s => s.Start).ThenBy(s => s.End).ThenBy(s => s.Label, StringComparer.Ordinal)
            .Select(s => $"{s.Start},{s.End},{s.Label}"));
    }

    private string CheckLabels(ClassificationExample example, Action<string?, string> error, Action<string?, string> warn)
    {
        if (!example.IsMultiLabel)
        {
            CheckLabel(example.Label, "label", error);
            return example.Label;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < example.Labels.Count; i++)
        {
            CheckLabel(example.Labels[i], $"labels[{i}]", error);
            if (!seen.Add(example.Labels[i])) warn($"labels[{i}]", $"'{example.Labels[i]}' is repeated");
        }
        return string.Join("\u0001", seen.Order(StringComparer.Ordinal));
    }

    private void CheckLabel(string label, string field, Action<string?, string> error)
    {
        if (string.IsNullOrWhiteSpace(label)) error(field, "empty label");
        else if (_schema is not null && !_schema.Contains(label))
            error(field, $"'{label}' is not in the schema ({DescribeSchema()})");
    }

    private string DescribeSchema()
    {
        const int shown = 12;
        var names = _schema!.Labels.Take(shown).Select(l => l.Name);
        var more = _schema.Labels.Count > shown ? $", and {_schema.Labels.Count - shown} more" : "";
        return $"labels: {string.Join(", ", names)}{more}";
    }

    private static bool SplitsCharacter(string text, int offset) =>
        offset > 0 && offset < text.Length && char.IsLowSurrogate(text[offset]) && char.IsHighSurrogate(text[offset - 1]);
}
