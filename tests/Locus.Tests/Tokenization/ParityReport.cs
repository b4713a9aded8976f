using Xunit.Abstractions;

namespace Locus.Tests.Tokenization;

/// <summary>Collects per-case field mismatches so a parity test can report "N/N cases identical" and every difference.</summary>
internal sealed class ParityReport
{
    private readonly List<string> _mismatches = [];
    private readonly HashSet<string> _failedCases = [];

    public int Cases { get; private set; }

    public int Matching => Cases - _failedCases.Count;

    public void StartCase() => Cases++;

    public void Compare<T>(string caseName, string field, IEnumerable<T> expected, IEnumerable<T> actual)
    {
        var e = expected.ToArray();
        var a = actual.ToArray();
        if (!e.SequenceEqual(a))
        {
            _failedCases.Add(caseName);
            _mismatches.Add($"{caseName}.{field}: expected [{string.Join(", ", e)}] but got [{string.Join(", ", a)}]");
        }
    }

    public void CompareValue<T>(string caseName, string field, T expected, T actual)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            _failedCases.Add(caseName);
            _mismatches.Add($"{caseName}.{field}: expected {expected} but got {actual}");
        }
    }

    public void AssertAllMatch(ITestOutputHelper output, string suite)
    {
        output.WriteLine($"{suite}: {Matching}/{Cases} cases identical");
        foreach (var mismatch in _mismatches)
        {
            output.WriteLine(mismatch);
        }

        Assert.True(_mismatches.Count == 0,
            $"{suite}: {Matching}/{Cases} cases identical.\n" + string.Join("\n", _mismatches.Take(40)));
    }
}
