namespace Locus.Data;

/// <summary>An example together with where it came from, so that later checks can name the line.</summary>
/// <param name="Example">The parsed example.</param>
/// <param name="Source">The file (or stream name) it was read from.</param>
/// <param name="Line">The 1-based line on which the record starts (for CoNLL, the sentence's first token line).</param>
public readonly record struct DataRecord(Example Example, string Source, int Line)
{
    /// <summary>
    /// Wraps examples built in memory so that writers can take them; the "line" is then the 1-based position
    /// in the sequence, which is what error messages will show.
    /// </summary>
    public static async IAsyncEnumerable<DataRecord> FromExamples(IEnumerable<Example> examples, string source = "(memory)")
    {
        var position = 0;
        foreach (var example in examples) yield return new DataRecord(example, source, ++position);
        await Task.CompletedTask;
    }
}
