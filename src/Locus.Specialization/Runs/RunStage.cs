namespace Locus.Specialization.Runs;

/// <summary>One stage of a run (seed selection, retrieval, synthesis, combination, training, evaluation, ...).</summary>
public sealed class RunStage
{
    /// <summary>The stage's name, unique within the run.</summary>
    public required string Name { get; set; }

    /// <summary>Where the stage stands.</summary>
    public StageStatus Status { get; set; }

    /// <summary>When it (last) started, UTC.</summary>
    public DateTime StartedUtc { get; set; }

    /// <summary>When it finished (completed, failed or was interrupted), UTC; null while running.</summary>
    public DateTime? FinishedUtc { get; set; }

    /// <summary>Wall-clock seconds from start to finish; null while running.</summary>
    public double? DurationSeconds { get; set; }

    /// <summary>
    /// A hash of the settings this stage depends on (e.g. <see cref="ContentHash.OfJson"/> of its options), chosen by
    /// the pipeline; a resumed run redoes the stage when it changes.
    /// </summary>
    public string? Fingerprint { get; set; }

    /// <summary>Files and folders the stage read, hashed when it started.</summary>
    public List<RunFile> Inputs { get; set; } = [];

    /// <summary>Files and folders the stage wrote, hashed when it finished.</summary>
    public List<RunFile> Outputs { get; set; } = [];

    /// <summary>Counts the stage reports, e.g. <c>produced</c>, <c>kept</c>, <c>rejected</c>.</summary>
    public SortedDictionary<string, long> Counts
    {
        get => _counts;
        // Deserialisation hands over a dictionary with the culture's comparer: keep the order ordinal.
        set => _counts = new SortedDictionary<string, long>(value, StringComparer.Ordinal);
    }

    private SortedDictionary<string, long> _counts = new(StringComparer.Ordinal);

    /// <summary>Free-form remarks from the stage.</summary>
    public string? Notes { get; set; }

    /// <summary>Why the stage failed or stopped; null otherwise.</summary>
    public string? Error { get; set; }
}
