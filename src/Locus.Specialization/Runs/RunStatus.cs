namespace Locus.Specialization.Runs;

/// <summary>Where a run stands. Written to <c>run.json</c> in snake case (<c>running</c>, <c>completed</c>, ...).</summary>
public enum RunStatus
{
    /// <summary>The run was started and has not finished; after a crash it stays so until resumed or marked.</summary>
    Running,

    /// <summary>Every stage finished and the metrics are recorded; only completed runs can be promoted without force.</summary>
    Completed,

    /// <summary>A stage failed; <see cref="RunManifest.Error"/> says why.</summary>
    Failed,

    /// <summary>The run was stopped (cancelled, Ctrl+C) before it finished; it can be resumed.</summary>
    Interrupted,
}

/// <summary>Where one stage of a run stands.</summary>
public enum StageStatus
{
    /// <summary>The stage started and has not finished.</summary>
    Running,

    /// <summary>The stage finished and its outputs are recorded with their hashes.</summary>
    Completed,

    /// <summary>The stage threw; <see cref="RunStage.Error"/> says why.</summary>
    Failed,

    /// <summary>The run stopped while the stage was running.</summary>
    Interrupted,
}
