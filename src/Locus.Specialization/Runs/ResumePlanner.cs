namespace Locus.Specialization.Runs;

/// <summary>
/// Decides which stages of an unfinished run can be kept. A stage is reusable when it completed, its settings
/// fingerprint (where the caller gives the current one) is unchanged, every input and output it recorded still exists
/// with the same hash, and every stage before it is reusable too: the pipeline is a chain, and a redone stage may
/// write different outputs for the stages after it. Any change in the run's own inputs redoes every stage.
/// </summary>
public static class ResumePlanner
{
    /// <summary>Hashes the recorded files again and decides stage by stage.</summary>
    public static async Task<ResumePlan> PlanAsync(
        RunReference run,
        RunManifest manifest,
        IReadOnlyDictionary<string, string>? fingerprints = null,
        CancellationToken cancellationToken = default)
    {
        var blocker = await FirstChangeAsync(manifest.Inputs, "run input", run.Folder, cancellationToken);
        var decisions = new List<StageResumeDecision>();
        foreach (var stage in manifest.Stages)
        {
            var reason = blocker ?? await ProblemAsync(stage, run.Folder, fingerprints, cancellationToken);
            decisions.Add(new StageResumeDecision(stage.Name, reason is null, reason ?? "completed; inputs and outputs unchanged"));
            if (reason is not null) blocker ??= $"an earlier stage ('{stage.Name}') is redone";
        }
        return new ResumePlan(run, decisions);
    }

    private static async Task<string?> ProblemAsync(RunStage stage, string runFolder, IReadOnlyDictionary<string, string>? fingerprints, CancellationToken cancellationToken)
    {
        if (stage.Status != StageStatus.Completed) return $"the stage is {stage.Status.ToString().ToLowerInvariant()}";
        if (fingerprints is not null && fingerprints.TryGetValue(stage.Name, out var current) && current != stage.Fingerprint)
            return "its settings changed (fingerprint differs)";
        return await FirstChangeAsync(stage.Inputs, "input", runFolder, cancellationToken)
            ?? await FirstChangeAsync(stage.Outputs, "output", runFolder, cancellationToken);
    }

    private static async Task<string?> FirstChangeAsync(IEnumerable<RunFile> files, string role, string runFolder, CancellationToken cancellationToken)
    {
        foreach (var file in files)
        {
            var now = await RunFiles.RehashAsync(file, runFolder, cancellationToken);
            if (now is null) return $"{role} {file.Path} is missing";
            if (now.Sha256 != file.Sha256) return $"{role} {file.Path} changed (sha256 {Short(file.Sha256)} → {Short(now.Sha256)})";
        }
        return null;
    }

    private static string Short(string sha256) => sha256[..12];
}
