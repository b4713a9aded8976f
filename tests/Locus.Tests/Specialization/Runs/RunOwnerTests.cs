using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Locus.Specialization.Runs;
using Locus.Tests.Specialization.Pipeline;
using Locus.Tests.TestSupport;

namespace Locus.Tests.Specialization.Runs;

/// <summary>A version whose process died reads as interrupted; SIGTERM unwinds a run like Ctrl+C.</summary>
public sealed class RunOwnerTests
{
    [Fact]
    public async Task ARunningVersionWhoseOwnerIsGoneListsAsInterrupted()
    {
        using var runs = new RunTestStore();
        var live = await runs.RecordAsync("live", [], [], kept: 1, finish: RunStatus.Running);
        var killed = await runs.RecordAsync("killed", [], [], kept: 1, finish: RunStatus.Running);
        var reused = await runs.RecordAsync("reused", [], [], kept: 1, finish: RunStatus.Running);
        await killed.UpdateAsync(m => m.Owner = new RunOwner { Pid = ExitedProcessId(), ProcessStartedUtc = DateTime.UtcNow, Host = Environment.MachineName });
        // Same id as a live process (this one) but another start time: the id was reused, the owner is gone.
        await reused.UpdateAsync(m => m.Owner!.ProcessStartedUtc -= TimeSpan.FromHours(1));

        var statuses = (await runs.Store.ListAsync()).ToDictionary(s => s.Run.Name, s => s.Manifest!.Status);
        Assert.Equal(RunStatus.Running, statuses["live"]);
        Assert.Equal(RunStatus.Interrupted, statuses["killed"]);
        Assert.Equal(RunStatus.Interrupted, statuses["reused"]);
        Assert.Equal(live.Reference, await runs.Store.FindResumableAsync("live"));

        var (code, output, _) = await CliRun.Locus("runs", "list", "--root", runs.Root);
        Assert.Equal(0, code);
        Assert.Matches(@"killed\s+v1\s+interrupted", output);
        Assert.Matches(@"live\s+v1\s+running", output);
    }

    [Fact]
    public async Task SigtermMarksTheRunningVersionInterruptedAndExits143()
    {
        using var fixture = new PipelineFixture();
        var run = Path.Combine(fixture.RunsRoot, "term");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "locus.dll"), "specialize", "--task", "ner", "--schema", fixture.Schema, "--seeds", fixture.Seeds,
                     "--corpus", fixture.Corpus, "--base", fixture.BaseModel, "--out", run, "--synthesis", "offline", "--self-training-rounds", "0",
                     "--retrieval-encoder", "lexical", "--epochs", "500", "--patience", "0", "--rank", "4", "--max-length", "32", "--stride", "8", "--threads", "1",
                 })
            start.ArgumentList.Add(arg);
        using var child = new Process { StartInfo = start };
        var stderr = new System.Text.StringBuilder();
        child.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        child.Start();
        child.BeginErrorReadLine();
        child.BeginOutputReadLine();
        string Stderr() { lock (stderr) return stderr.ToString(); }
        var manifest = Path.Combine(run, "v1", RunStore.ManifestFileName);
        var waited = Stopwatch.StartNew();
        // Signal once the train stage has started. (An earlier form of this test, which left the child's stdout undrained
        // and ran torch.set_num_threads only inside the trainer, lost the signal at this moment 3 times of 3; the cause
        // was not found. Sent after the first training step it was always handled.)
        while (!(File.Exists(manifest) && File.ReadAllText(manifest).Contains("\"name\": \"train\"")) && !child.HasExited && waited.Elapsed < TimeSpan.FromMinutes(2))
            await Task.Delay(100);
        Assert.False(child.HasExited, Stderr());
        Assert.Equal(0, Kill(child.Id, Sigterm));
        Assert.True(child.WaitForExit(TimeSpan.FromMinutes(1)), "the run did not stop after SIGTERM");
        child.WaitForExit();   // the untimed wait also drains the redirected streams

        Assert.True(child.ExitCode == 143, $"exit {child.ExitCode}: {Stderr()}");
        // The file itself, not LoadAsync (which would infer 'interrupted' from the dead owner).
        var recorded = await RunManifestJson.ReadManifestAsync(manifest);
        Assert.Equal(RunStatus.Interrupted, recorded.Status);
        Assert.Contains("cancelled (SIGTERM)", Stderr());
    }

    private const int Sigterm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static int ExitedProcessId()
    {
        using var process = Process.Start("true")!;
        process.WaitForExit();
        return process.Id;
    }
}
