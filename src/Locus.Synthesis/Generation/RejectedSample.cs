using System.Text.Json;

namespace Locus.Synthesis;

/// <summary>A generated answer or item that was not kept, with why; kept so that prompt and model problems can be inspected.</summary>
/// <param name="Round">The synthesis round.</param>
/// <param name="Request">The request index within the round.</param>
/// <param name="Item">The index in the answer's <c>examples</c> array, or null when the whole answer was rejected.</param>
/// <param name="Reason">Why it was rejected.</param>
/// <param name="Raw">The rejected JSON item, or the whole answer text.</param>
public sealed record RejectedSample(int Round, int Request, int? Item, string Reason, string Raw);

/// <summary>Writes rejected samples as JSONL: <c>{"round", "request", "item"?, "reason", "raw"}</c> per line.</summary>
public static class RejectedSampleFile
{
    /// <summary>One JSONL line for a rejected sample.</summary>
    public static string ToLine(RejectedSample sample) => JsonSerializer.Serialize(sample, LocusJson.Compact);

    /// <summary>Writes the samples to <paramref name="path"/> atomically; returns how many were written.</summary>
    public static async Task<int> WriteAsync(string path, IEnumerable<RejectedSample> samples, CancellationToken cancellationToken = default)
    {
        var count = 0;
        await AtomicFile.WriteAsync(path, async writer =>
        {
            foreach (var sample in samples)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await writer.WriteLineAsync(ToLine(sample));
                count++;
            }
        }, cancellationToken);
        return count;
    }
}
