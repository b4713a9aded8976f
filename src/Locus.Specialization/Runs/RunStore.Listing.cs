namespace Locus.Specialization.Runs;

public sealed partial class RunStore
{
    /// <summary>
    /// Every version of every run (or of <paramref name="name"/> only), by name then version. A corrupt manifest or
    /// production pointer does not stop the listing: the affected entries carry the problem instead.
    /// </summary>
    public async Task<IReadOnlyList<RunSummary>> ListAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        var summaries = new List<RunSummary>();
        foreach (var runName in name is null ? ListNames() : [name])
        {
            int? promoted = null;
            string? pointerProblem = null;
            try
            {
                promoted = (await ReadPromotionAsync(runName, cancellationToken)).Promoted;
            }
            catch (DataFormatException e)
            {
                pointerProblem = e.Message;
            }

            foreach (var version in ListVersions(runName))
            {
                try
                {
                    var manifest = await LoadAsync(version, cancellationToken);
                    summaries.Add(new RunSummary(version, manifest, pointerProblem, version.Version == promoted));
                }
                catch (DataFormatException e)
                {
                    summaries.Add(new RunSummary(version, null, e.Message, version.Version == promoted));
                }
            }
        }
        return summaries;
    }
}
