namespace Locus.Specialization.Runs;

/// <summary>One version of a named run and where its folder is.</summary>
/// <param name="Name">The run's name.</param>
/// <param name="Version">The version number, from 1.</param>
/// <param name="Folder">The version's folder (holding <c>run.json</c>).</param>
public sealed record RunReference(string Name, int Version, string Folder)
{
    /// <summary>The manifest's path.</summary>
    public string ManifestPath => Path.Combine(Folder, RunStore.ManifestFileName);

    /// <summary>The short form used on the command line: <c>NAME/vN</c>.</summary>
    public override string ToString() => $"{Name}/{RunNames.VersionFolder(Version)}";
}
