using Locus.Specialization.Pipeline;
using Locus.Specialization.Runs;

namespace Locus.Tests.Specialization.Pipeline;

/// <summary>The whole pipeline, run twice with the same seed on one thread, gives the same data, model bytes and metrics.</summary>
public sealed class SpecializeDeterminismTests
{
    [Fact]
    public async Task TwoRunsWithTheSameSeedAgreeToTheLastByte()
    {
        using var fixture = new PipelineFixture();
        var results = new List<SpecializeResult>();
        foreach (var name in new[] { "a", "b" })
            results.Add(await new SpecializationPipeline(new RunStore(fixture.RunsRoot)).RunAsync(name, fixture.Options(tweak: f =>
            {
                f.Training.Threads = 1;
                f.LoraDropout = 0.1;
            })));

        Assert.Equal(results[0].Metrics.ToJsonString(), results[1].Metrics.ToJsonString());
        foreach (var file in new[] { "data/train.jsonl", "data/retrieved.jsonl", "model/adapter_model.safetensors" })
            Assert.True(File.ReadAllBytes(Path.Combine(results[0].Run.Folder, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(results[1].Run.Folder, file))), $"{file} differs: {Diff(Path.Combine(results[0].Run.Folder, file), Path.Combine(results[1].Run.Folder, file))}");
    }

    private static string Diff(string a, string b)
    {
        if (!a.EndsWith(".jsonl")) return "";
        var (x, y) = (File.ReadAllLines(a), File.ReadAllLines(b));
        var i = Enumerable.Range(0, Math.Min(x.Length, y.Length)).FirstOrDefault(i => x[i] != y[i], -1);
        return i < 0 ? $"lengths {x.Length} vs {y.Length}" : $"line {i + 1}:\n{x[i]}\n{y[i]}";
    }
}
