using Locus.Data;

namespace Locus.Synthesis;

/// <summary>Checks the examples an offline generator starts from, so that it never builds on broken spans.</summary>
internal static class InputCheck
{
    /// <exception cref="LocusException">An example has an error; the message names it by id and says what is wrong.</exception>
    public static void RequireValid(IReadOnlyList<Example> examples, string what)
    {
        for (var i = 0; i < examples.Count; i++)
        {
            var report = new ValidationReport();
            if (new ExampleValidator(report).Check(new DataRecord(examples[i], what, i + 1))) continue;
            var issue = report.Errors.First();
            var field = issue.Field is null ? "" : $"{issue.Field}: ";
            throw new LocusException($"{what} '{SeedIds.Of(examples[i], i)}' is invalid: {field}{issue.Problem}");
        }
    }
}
