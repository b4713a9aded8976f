using System.Text.Json.Nodes;
using Locus.Data;
using Locus.Specialization.Runs;
using Locus.Tests.TestSupport;

namespace Locus.Tests.Specialization.Runs;

/// <summary>A run store in a temporary folder with a manual clock, and helpers to record hand-made runs.</summary>
internal sealed class RunTestStore : IDisposable
{
    private readonly TempDir _dir = new();

    public RunTestStore()
    {
        Store = new RunStore(Path.Combine(_dir.Path, "runs"), Clock);
    }

    public ManualClock Clock { get; } = ManualClock.StartingAt2026();

    public RunStore Store { get; }

    public string Root => Store.Root;

    /// <summary>Writes a file outside the store (an input) and returns its path.</summary>
    public string WriteInput(string name, string content)
    {
        var path = _dir.File(name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>
    /// Records a whole run: one "train" stage (10 s, kept=<paramref name="kept"/>) writing adapter/weights.bin, the
    /// given metrics, then completes, fails, or is left as is.
    /// </summary>
    public async Task<ActiveRun> RecordAsync(string name, JsonObject settings, JsonObject metrics, long kept, RunStatus finish = RunStatus.Completed)
    {
        var run = await Store.CreateAsync(new RunRequest { Name = name, Task = DataTask.Ner, Settings = settings });
        await run.StartStageAsync("train");
        Clock.Advance(10);
        Directory.CreateDirectory(run.PathOf("adapter"));
        File.WriteAllText(run.PathOf("adapter/weights.bin"), $"weights of {name}");
        await run.CompleteStageAsync("train", new StageOutcome { Outputs = ["adapter"], Counts = new Dictionary<string, long> { ["kept"] = kept } });
        await run.UpdateAsync(m => m.Metrics = metrics);
        if (finish == RunStatus.Completed) await run.CompleteAsync();
        else if (finish == RunStatus.Failed) await run.FailAsync("out of memory");
        else if (finish == RunStatus.Interrupted) await run.InterruptAsync("cancelled");
        return run;
    }

    public void Dispose() => _dir.Dispose();
}
