using Locus.Data;
using Locus.Synthesis;

namespace Locus.Specialization.Steps;

/// <summary>
/// Stage outputs as JSONL data files: every example with its provenance under <c>provenance</c>, so the files are
/// ordinary Locus data sets that <c>locus train</c> reads, and a resumed run loads them back unchanged.
/// </summary>
public static class ExampleFiles
{
    /// <summary>Writes <paramref name="examples"/> to <paramref name="path"/> atomically.</summary>
    public static Task<int> WriteAsync(string path, IEnumerable<SynthesizedExample> examples, CancellationToken cancellationToken) =>
        JsonlWriter.WriteFileAsync(path, examples.Select((e, i) => new DataRecord(e.ToExample(), path, i + 1)).ToAsyncEnumerable(), cancellationToken);

    /// <summary>Reads a file written by <see cref="WriteAsync"/>; an example without provenance counts as a seed.</summary>
    public static async Task<List<SynthesizedExample>> ReadAsync(string path, DataTask task, CancellationToken cancellationToken)
    {
        var examples = new List<SynthesizedExample>();
        await foreach (var record in DatasetReader.ReadAsync(path, new DatasetReadOptions { Format = DataFormat.Jsonl, Task = task }, cancellationToken: cancellationToken))
        {
            var extra = record.Example.Extra;
            var provenance = extra is not null && extra.TryGetValue(ExampleProvenance.ExtraKey, out var json) ? ExampleProvenance.FromJson(json) : null;
            var rest = extra?.Where(p => p.Key != ExampleProvenance.ExtraKey).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            examples.Add(new SynthesizedExample(record.Example with { Extra = rest is { Count: > 0 } ? rest : null }, provenance ?? ExampleProvenance.ForSeed()));
        }
        return examples;
    }
}
