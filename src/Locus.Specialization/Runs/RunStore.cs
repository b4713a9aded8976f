namespace Locus.Specialization.Runs;

/// <summary>
/// A folder of versioned runs: <c>ROOT/NAME/vN/run.json</c> for version N of the run NAME, and
/// <c>ROOT/NAME/production.json</c> for which version is promoted. Creating a run claims the next version with a
/// folder rename, so two processes never share a version and a version folder never lacks its manifest.
/// </summary>
public sealed partial class RunStore
{
    /// <summary>The manifest's file name inside a version folder.</summary>
    public const string ManifestFileName = "run.json";

    /// <summary>Creates a store over <paramref name="root"/> (created on the first run).</summary>
    /// <param name="root">The store's folder, e.g. <c>runs</c>.</param>
    /// <param name="timeProvider">The clock for timestamps; the system clock when null.</param>
    public RunStore(string root, TimeProvider? timeProvider = null)
    {
        Root = Path.GetFullPath(root);
        Time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The store's folder (full path).</summary>
    public string Root { get; }

    internal TimeProvider Time { get; }

    internal DateTime UtcNow => Time.GetUtcNow().UtcDateTime;

    /// <summary>The run names in the store, sorted (ordinal).</summary>
    public IReadOnlyList<string> ListNames()
    {
        if (!Directory.Exists(Root)) return [];
        return Directory.EnumerateDirectories(Root)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => RunNames.Problem(name) is null)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The versions of <paramref name="name"/>, oldest first; empty when there is no such run.</summary>
    public IReadOnlyList<RunReference> ListVersions(string name)
    {
        var folder = NameFolder(name);
        if (!Directory.Exists(folder)) return [];
        return Directory.EnumerateDirectories(folder)
            .Select(path => (Path: path, Version: RunNames.ParseVersionFolder(Path.GetFileName(path))))
            .Where(v => v.Version is not null)
            .Select(v => new RunReference(name, v.Version!.Value, v.Path))
            .OrderBy(r => r.Version)
            .ToList();
    }

    /// <summary>The folder holding every version of <paramref name="name"/>.</summary>
    public string NameFolder(string name)
    {
        RunNames.Check(name);
        return Path.Combine(Root, name);
    }

    /// <summary>
    /// Finds a run from what a user typed: <c>NAME</c> (its latest version), <c>NAME/vN</c>, <c>NAME/latest</c>,
    /// <c>NAME/promoted</c>, or the path of a version folder or of its <c>run.json</c>.
    /// </summary>
    /// <exception cref="RunNotFoundException">Nothing matches.</exception>
    /// <exception cref="DataFormatException">A path was given and its manifest is corrupt.</exception>
    public async Task<RunReference> ResolveAsync(string spec, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(spec)) throw new RunNotFoundException("an empty run name was given");
        var parts = spec.TrimEnd('/').Split('/');
        if (parts.Length <= 2 && RunNames.Problem(parts[0]) is null && Directory.Exists(Path.Combine(Root, parts[0])))
        {
            var versions = ListVersions(parts[0]);
            var selector = parts.Length == 2 ? parts[1] : "latest";
            if (selector == "promoted")
            {
                var promoted = (await ReadPromotionAsync(parts[0], cancellationToken)).Promoted;
                return versions.FirstOrDefault(v => v.Version == promoted)
                    ?? throw new RunNotFoundException($"run '{parts[0]}' has no promoted version (in {Root})");
            }
            if (selector == "latest")
                return versions.Count > 0 ? versions[^1] : throw new RunNotFoundException($"run '{parts[0]}' has no versions yet (in {Root})");
            if (RunNames.ParseVersionFolder(selector) is { } version)
                return versions.FirstOrDefault(v => v.Version == version)
                    ?? throw new RunNotFoundException($"run '{parts[0]}' has no version {version} (it has {Describe(versions)}; in {Root})");
        }

        if (FindManifestAt(spec) is { } manifestPath)
        {
            var manifest = await RunManifestJson.ReadManifestAsync(manifestPath, cancellationToken);
            return new RunReference(manifest.Name, manifest.Version, Path.GetDirectoryName(manifestPath)!);
        }

        var known = ListNames();
        throw new RunNotFoundException($"no run '{spec}' in {Root} and no run folder at that path"
            + (known.Count > 0 ? $" (runs: {string.Join(", ", known)})" : " (the store is empty)"));
    }

    /// <summary>
    /// Reads and checks a run's manifest, and that it agrees with the folder it is in. A version recorded as running
    /// whose owner process is gone (killed, crashed) is returned as <see cref="RunStatus.Interrupted"/>; the file is
    /// left as it is.
    /// </summary>
    /// <exception cref="DataFormatException">The manifest is missing, corrupt, or names another run or version.</exception>
    public async Task<RunManifest> LoadAsync(RunReference run, CancellationToken cancellationToken = default)
    {
        var manifest = await RunManifestJson.ReadManifestAsync(run.ManifestPath, cancellationToken);
        if (manifest.Name != run.Name || manifest.Version != run.Version)
            throw new DataFormatException(run.ManifestPath, 0, "name", $"the manifest says {manifest.Name}/v{manifest.Version} but lies in the folder of {run}");
        if (manifest.Status == RunStatus.Running && manifest.Owner is { } owner && owner.IsAlive() == false)
        {
            manifest.Status = RunStatus.Interrupted;
            manifest.Error ??= $"the process that ran it ({owner}) ended without finishing it";
        }
        return manifest;
    }

    /// <summary>Starts a new run: the next version under the request's name, with hashed inputs and status running.</summary>
    /// <exception cref="LocusException">The name is invalid.</exception>
    /// <exception cref="FileNotFoundException">An input does not exist.</exception>
    public async Task<ActiveRun> CreateAsync(RunRequest request, CancellationToken cancellationToken = default)
    {
        var nameFolder = NameFolder(request.Name);
        Directory.CreateDirectory(nameFolder);
        var manifest = new RunManifest
        {
            Id = Guid.NewGuid().ToString("N"),
            Name = request.Name,
            Version = 0,
            Status = RunStatus.Running,
            Owner = RunOwner.Current(),
            Task = request.Task,
            CreatedUtc = UtcNow,
            Settings = request.Settings.DeepClone().AsObject(),
            // Inputs live outside the run folder, so they are recorded with full paths.
            Inputs = await RunFiles.HashAllAsync(request.Inputs, nameFolder, cancellationToken),
            KeyMetric = request.KeyMetric,
            Versions = RunEnvironment.Capture(),
            Notes = request.Notes,
        };

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            manifest.Version = ListVersions(request.Name).Select(v => v.Version).DefaultIfEmpty(0).Max() + 1;
            var folder = Path.Combine(nameFolder, RunNames.VersionFolder(manifest.Version));
            var staging = Path.Combine(nameFolder, $".{RunNames.VersionFolder(manifest.Version)}.{Guid.NewGuid():N}.tmp");
            Directory.CreateDirectory(staging);
            try
            {
                await RunManifestJson.WriteAsync(Path.Combine(staging, ManifestFileName), manifest, cancellationToken);
                // rename(2) onto an existing version folder fails (it is never empty), so the version is claimed atomically.
                Directory.Move(staging, folder);
                return new ActiveRun(this, new RunReference(request.Name, manifest.Version, folder), manifest);
            }
            catch (IOException) when (Directory.Exists(folder))
            {
                // Another process claimed this version first: take the next one.
            }
            finally
            {
                if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>
    /// The latest version of <paramref name="name"/> when it did not complete (running after a crash, interrupted or
    /// failed), which the pipeline can resume; null when there is none or the latest one completed.
    /// </summary>
    public async Task<RunReference?> FindResumableAsync(string name, CancellationToken cancellationToken = default)
    {
        var versions = ListVersions(name);
        if (versions.Count == 0) return null;
        var latest = versions[^1];
        var manifest = await LoadAsync(latest, cancellationToken);
        return manifest.Status == RunStatus.Completed ? null : latest;
    }

    /// <summary>
    /// Reopens an unfinished run to continue it in place: status back to running, the time recorded in
    /// <see cref="RunManifest.ResumedUtc"/>. Use <see cref="ActiveRun.PlanResumeAsync"/> to tell which stages to keep.
    /// </summary>
    /// <exception cref="LocusException">The run already completed.</exception>
    public async Task<ActiveRun> ResumeAsync(RunReference run, CancellationToken cancellationToken = default)
    {
        var manifest = await LoadAsync(run, cancellationToken);
        if (manifest.Status == RunStatus.Completed)
            throw new LocusException($"{run} already completed; start a new version instead of resuming it");
        var active = new ActiveRun(this, run, manifest);
        await active.UpdateAsync(m =>
        {
            m.Status = RunStatus.Running;
            m.Owner = RunOwner.Current();
            m.FinishedUtc = null;
            m.Error = null;
            m.ResumedUtc.Add(UtcNow);
        }, cancellationToken);
        return active;
    }

    private static string? FindManifestAt(string path)
    {
        if (File.Exists(path) && Path.GetFileName(path) == ManifestFileName) return Path.GetFullPath(path);
        var inFolder = Path.Combine(path, ManifestFileName);
        return Directory.Exists(path) && File.Exists(inFolder) ? Path.GetFullPath(inFolder) : null;
    }

    private static string Describe(IReadOnlyList<RunReference> versions) =>
        versions.Count == 0 ? "none" : string.Join(", ", versions.Select(v => RunNames.VersionFolder(v.Version)));
}
