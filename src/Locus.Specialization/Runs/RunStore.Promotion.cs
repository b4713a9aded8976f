namespace Locus.Specialization.Runs;

public sealed partial class RunStore
{
    /// <summary>The production pointer's file name inside a run name's folder.</summary>
    public const string PromotionFileName = "production.json";

    /// <summary>Reads the production pointer of <paramref name="name"/>; an empty record when nothing was ever promoted.</summary>
    /// <exception cref="DataFormatException">The file is corrupt or its history contradicts its pointer.</exception>
    public async Task<PromotionRecord> ReadPromotionAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = PromotionPath(name);
        if (!File.Exists(path)) return new PromotionRecord { Name = name };
        var record = await RunManifestJson.ReadPromotionAsync(path, cancellationToken);
        if (record.Name != name) throw new DataFormatException(path, 0, "name", $"the file is for run '{record.Name}', not '{name}'");
        var stack = record.PromotionStack();
        var expected = stack.Count > 0 ? stack[^1] : (int?)null;
        if (record.Promoted != expected)
            throw new DataFormatException(path, 0, "promoted", $"says v{record.Promoted} but the history leads to {(expected is null ? "none" : $"v{expected}")}");
        return record;
    }

    /// <summary>
    /// Points production at <paramref name="run"/>. Only completed runs are accepted unless
    /// <see cref="PromotionOptions.Force"/>; promoting the version already promoted changes nothing.
    /// </summary>
    /// <exception cref="LocusException">The run has not completed and force was not given.</exception>
    public async Task<PromotionRecord> PromoteAsync(RunReference run, PromotionOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new PromotionOptions();
        if (Path.GetDirectoryName(run.Folder) != NameFolder(run.Name))
            throw new LocusException($"{run.Folder} is not a version folder of the store {Root}; give the store's folder (--root)");
        var manifest = await LoadAsync(run, cancellationToken);
        if (manifest.Status != RunStatus.Completed && !options.Force)
            throw new LocusException($"{run} is {manifest.Status.ToString().ToLowerInvariant()}, not completed, so it cannot be promoted (use --force to promote it anyway)");
        var record = await ReadPromotionAsync(run.Name, cancellationToken);
        if (record.Promoted == run.Version) return record;
        return await RecordAsync(record, PromotionAction.Promote, run.Version, options, forced: manifest.Status != RunStatus.Completed, cancellationToken);
    }

    /// <summary>Points production back at the version promoted before the current one.</summary>
    /// <exception cref="LocusException">Nothing was promoted before the current version, or that version's folder is gone.</exception>
    public async Task<PromotionRecord> RollbackAsync(string name, PromotionOptions? options = null, CancellationToken cancellationToken = default)
    {
        var record = await ReadPromotionAsync(name, cancellationToken);
        var stack = record.PromotionStack();
        if (stack.Count == 0) throw new LocusException($"run '{name}' has no promoted version to roll back from");
        if (stack.Count == 1) throw new LocusException($"run '{name}' has no earlier promotion to roll back to (v{stack[0]} is the first)");
        var target = stack[^2];
        var reference = ListVersions(name).FirstOrDefault(v => v.Version == target)
            ?? throw new LocusException($"cannot roll back '{name}' to v{target}: its folder is gone from {NameFolder(name)}");
        await LoadAsync(reference, cancellationToken);
        return await RecordAsync(record, PromotionAction.Rollback, target, options ?? new PromotionOptions(), forced: false, cancellationToken);
    }

    private async Task<PromotionRecord> RecordAsync(PromotionRecord record, PromotionAction action, int version, PromotionOptions options, bool forced, CancellationToken cancellationToken)
    {
        record.History.Add(new PromotionEvent
        {
            Action = action,
            Version = version,
            Previous = record.Promoted,
            Utc = UtcNow,
            User = options.User ?? Environment.UserName,
            Reason = options.Reason,
            Forced = forced,
        });
        record.Promoted = version;
        await RunManifestJson.WriteAsync(PromotionPath(record.Name), record, cancellationToken);
        return record;
    }

    private string PromotionPath(string name) => Path.Combine(NameFolder(name), PromotionFileName);
}
