namespace Locus.Specialization.Runs;

/// <summary>
/// A run being recorded. Every method changes the manifest and rewrites <c>run.json</c> atomically before it returns,
/// so the file on disk always tells how far the run got. Calls are serialised; the object is safe to share.
/// When the pipeline is cancelled, call <see cref="InterruptAsync"/> with <see cref="CancellationToken.None"/>.
/// </summary>
public sealed class ActiveRun
{
    private readonly RunStore _store;
    private readonly SemaphoreSlim _gate = new(1, 1);

    internal ActiveRun(RunStore store, RunReference reference, RunManifest manifest)
    {
        _store = store;
        Reference = reference;
        Manifest = manifest;
    }

    /// <summary>Which run this is.</summary>
    public RunReference Reference { get; }

    /// <summary>The run's folder, where stages write their outputs.</summary>
    public string Folder => Reference.Folder;

    /// <summary>The manifest as last written. Change it only through this object so each change reaches the disk.</summary>
    public RunManifest Manifest { get; }

    /// <summary>A path inside the run folder.</summary>
    public string PathOf(string relative) => Path.Combine(Folder, relative);

    /// <summary>
    /// Records that a stage starts: hashes its inputs and marks it running. Starting a stage again (on resume)
    /// replaces its earlier record.
    /// </summary>
    /// <param name="stage">The stage's name.</param>
    /// <param name="inputs">Files and folders it reads (relative paths are inside the run folder).</param>
    /// <param name="fingerprint">A hash of the settings it depends on; see <see cref="RunStage.Fingerprint"/>.</param>
    /// <param name="cancellationToken">Cancels the hashing.</param>
    public async Task StartStageAsync(string stage, IEnumerable<string>? inputs = null, string? fingerprint = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stage);
        var hashed = await RunFiles.HashAllAsync(inputs ?? [], Folder, cancellationToken);
        await UpdateAsync(m =>
        {
            var record = m.FindStage(stage);
            if (record is null)
            {
                record = new RunStage { Name = stage };
                m.Stages.Add(record);
            }
            record.Status = StageStatus.Running;
            record.StartedUtc = _store.UtcNow;
            record.FinishedUtc = null;
            record.DurationSeconds = null;
            record.Fingerprint = fingerprint;
            record.Inputs = hashed;
            record.Outputs = [];
            record.Counts.Clear();
            record.Notes = null;
            record.Error = null;
        }, cancellationToken);
    }

    /// <summary>Records that a running stage finished: hashes its outputs, stores its counts and notes.</summary>
    /// <exception cref="InvalidOperationException">The stage is not running.</exception>
    public async Task CompleteStageAsync(string stage, StageOutcome? outcome = null, CancellationToken cancellationToken = default)
    {
        outcome ??= new StageOutcome();
        RunningStage(stage);
        var hashed = await RunFiles.HashAllAsync(outcome.Outputs, Folder, cancellationToken);
        await UpdateAsync(m =>
        {
            var record = Finish(RunningStage(stage), StageStatus.Completed, error: null);
            record.Outputs = hashed;
            foreach (var (name, count) in outcome.Counts) record.Counts[name] = count;
            record.Notes = outcome.Notes;
        }, cancellationToken);
    }

    /// <summary>Records that a running stage failed (the run itself is marked by <see cref="FailAsync"/>).</summary>
    /// <exception cref="InvalidOperationException">The stage is not running.</exception>
    public Task FailStageAsync(string stage, string error, CancellationToken cancellationToken = default) =>
        UpdateAsync(_ => Finish(RunningStage(stage), StageStatus.Failed, error), cancellationToken);

    /// <summary>Records an artefact (adapter folder, merged model, metrics file) under a kind, with its hash.</summary>
    public async Task AddArtefactAsync(string kind, string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        var hashed = await RunFiles.HashAsync(path, Folder, cancellationToken);
        await UpdateAsync(m => m.Artefacts[kind] = hashed, cancellationToken);
    }

    /// <summary>Applies any other change (metrics, timings, notes, settings) and saves.</summary>
    public async Task UpdateAsync(Action<RunManifest> change, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            change(Manifest);
            await RunManifestJson.WriteAsync(Reference.ManifestPath, Manifest, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Marks the run completed and records <c>total_seconds</c> (creation to now) and <c>stage_seconds</c> (the sum
    /// of stage durations) in the timings.
    /// </summary>
    /// <exception cref="InvalidOperationException">A stage is still running or failed.</exception>
    public Task CompleteAsync(CancellationToken cancellationToken = default) =>
        UpdateAsync(m =>
        {
            if (m.Stages.Find(s => s.Status != StageStatus.Completed) is { } open)
                throw new InvalidOperationException($"{Reference}: stage '{open.Name}' is {open.Status.ToString().ToLowerInvariant()}, so the run cannot complete");
            Finish(m, RunStatus.Completed, error: null);
        }, cancellationToken);

    /// <summary>Marks the run failed with the reason; a stage still running is marked failed too.</summary>
    public Task FailAsync(string error, CancellationToken cancellationToken = default) =>
        UpdateAsync(m =>
        {
            foreach (var stage in m.Stages.Where(s => s.Status == StageStatus.Running)) Finish(stage, StageStatus.Failed, error);
            Finish(m, RunStatus.Failed, error);
        }, cancellationToken);

    /// <summary>Marks the run interrupted (it can be resumed); a stage still running is marked interrupted too.</summary>
    public Task InterruptAsync(string? reason = null, CancellationToken cancellationToken = default) =>
        UpdateAsync(m =>
        {
            foreach (var stage in m.Stages.Where(s => s.Status == StageStatus.Running)) Finish(stage, StageStatus.Interrupted, reason);
            Finish(m, RunStatus.Interrupted, reason);
        }, cancellationToken);

    /// <summary>
    /// Tells which recorded stages can be kept when this run is resumed; see <see cref="ResumePlanner"/> for the rules.
    /// </summary>
    /// <param name="fingerprints">The current settings fingerprint of each stage, where the pipeline computes one.</param>
    /// <param name="cancellationToken">Cancels the hashing.</param>
    public Task<ResumePlan> PlanResumeAsync(IReadOnlyDictionary<string, string>? fingerprints = null, CancellationToken cancellationToken = default) =>
        ResumePlanner.PlanAsync(Reference, Manifest, fingerprints, cancellationToken);

    private RunStage RunningStage(string stage)
    {
        var record = Manifest.FindStage(stage) ?? throw new InvalidOperationException($"{Reference}: stage '{stage}' was never started");
        if (record.Status != StageStatus.Running)
            throw new InvalidOperationException($"{Reference}: stage '{stage}' is {record.Status.ToString().ToLowerInvariant()}, not running");
        return record;
    }

    private RunStage Finish(RunStage stage, StageStatus status, string? error)
    {
        var now = _store.UtcNow;
        stage.Status = status;
        stage.FinishedUtc = now;
        stage.DurationSeconds = (now - stage.StartedUtc).TotalSeconds;
        stage.Error = error;
        return stage;
    }

    private void Finish(RunManifest manifest, RunStatus status, string? error)
    {
        var now = _store.UtcNow;
        manifest.Status = status;
        manifest.FinishedUtc = now;
        manifest.Error = error;
        manifest.Timings["total_seconds"] = (now - manifest.CreatedUtc).TotalSeconds;
        manifest.Timings["stage_seconds"] = manifest.Stages.Sum(s => s.DurationSeconds ?? 0);
    }
}
