using Locus.Data;

namespace Locus.Synthesis;

/// <summary>
/// Decides whether a generated example is kept: it must pass <see cref="ExampleValidator"/> against the schema
/// (non-empty text, labels in the schema, sound spans), and must not repeat a seed or an example kept earlier
/// (compared by <see cref="TextKey"/>: case and whitespace do not matter).
/// </summary>
internal sealed class GeneratedExampleChecker
{
    private readonly ValidationReport _report = new();
    private readonly ExampleValidator _validator;
    private readonly Dictionary<string, string> _seedIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _kept = new(StringComparer.Ordinal);

    public GeneratedExampleChecker(LabelSchema schema, IReadOnlyList<Example> seeds, Func<int, string> seedId)
    {
        _validator = new ExampleValidator(_report, schema);
        for (var i = 0; i < seeds.Count; i++) _seedIds.TryAdd(TextKey.Of(seeds[i].Text), seedId(i));
    }

    /// <summary>Null when <paramref name="example"/> is kept (and remembered), otherwise the reason it is not.</summary>
    public string? Check(Example example)
    {
        var issuesBefore = _report.Issues.Count;
        if (!_validator.Check(new DataRecord(example, "generated", 0)))
            return string.Join("; ", _report.Issues.Skip(issuesBefore).Where(i => i.Severity == IssueSeverity.Error)
                .Select(i => i.Field is null ? i.Problem : $"{i.Field}: {i.Problem}"));
        var key = TextKey.Of(example.Text);
        if (_seedIds.TryGetValue(key, out var seed)) return $"duplicate of seed '{seed}'";
        if (!_kept.Add(key)) return "duplicate of an example generated earlier";
        return null;
    }
}
