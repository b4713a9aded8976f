namespace Locus.Specialization.Runs;

/// <summary>What a finished stage reports to <see cref="ActiveRun.CompleteStageAsync"/>.</summary>
public sealed class StageOutcome
{
    /// <summary>Files and folders the stage wrote (relative paths are inside the run folder); hashed now.</summary>
    public IReadOnlyList<string> Outputs { get; init; } = [];

    /// <summary>Counts such as <c>produced</c>, <c>kept</c>, <c>rejected</c>.</summary>
    public IReadOnlyDictionary<string, long> Counts { get; init; } = new Dictionary<string, long>();

    /// <summary>Free-form remarks.</summary>
    public string? Notes { get; init; }
}
