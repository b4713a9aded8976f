using Locus.Specialization.Runs;

namespace Locus.Specialization.Pipeline;

/// <summary>
/// Runs the pipeline's stages against the run record: a stage that the resume plan can keep is loaded from its
/// outputs instead of being redone; any other is started, run and completed (or marked failed) in <c>run.json</c>.
/// </summary>
internal sealed class StageRunner(ActiveRun run, ResumePlan? plan, IReadOnlyDictionary<string, string> fingerprints,
    IProgress<SpecializeProgress>? progress, CancellationToken cancellationToken)
{
    /// <summary>The run being recorded.</summary>
    public ActiveRun Run => run;

    /// <summary>Stages whose outputs were reused.</summary>
    public List<string> Reused { get; } = [];

    /// <summary>Reports a message of <paramref name="stage"/>.</summary>
    public void Report(string stage, string message) => progress?.Report(new SpecializeProgress(stage, message));

    /// <summary>Reuses or runs one stage.</summary>
    /// <param name="stage">The stage's name (and fingerprint key).</param>
    /// <param name="inputs">Files and folders the stage reads.</param>
    /// <param name="execute">Does the work; returns the value and what to record.</param>
    /// <param name="load">Reads the value back from the stage's recorded outputs.</param>
    public async Task<T> StageAsync<T>(string stage, IEnumerable<string> inputs, Func<Task<(T Value, StageOutcome Outcome)>> execute, Func<Task<T>> load)
    {
        if (plan?.CanReuse(stage) == true)
        {
            Report(stage, "reused from the interrupted run (settings, inputs and outputs unchanged)");
            Reused.Add(stage);
            return await load();
        }
        Report(stage, "started");
        await run.StartStageAsync(stage, inputs, fingerprints[stage], cancellationToken);
        try
        {
            var (value, outcome) = await execute();
            await run.CompleteStageAsync(stage, outcome, cancellationToken);
            Report(stage, outcome.Notes ?? "done");
            return value;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await run.FailStageAsync(stage, e.Message, CancellationToken.None);
            throw;
        }
    }
}

/// <summary>A progress message of the specialisation pipeline.</summary>
/// <param name="Stage">The stage it comes from.</param>
/// <param name="Message">What happened.</param>
public sealed record SpecializeProgress(string Stage, string Message);
