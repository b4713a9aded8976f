namespace Locus.Models.Hub;

/// <summary>
/// Which files make a model snapshot, in the order they are fetched: config.json first (it pins the commit),
/// then the weights (model.safetensors, else the index and every shard it names), then the tokenizer files.
/// </summary>
internal static class SnapshotPlan
{
    /// <summary>Gets every file from <paramref name="source"/>; returns the repository names of those present.</summary>
    public static async Task<IReadOnlyList<string>> FetchAsync(ISnapshotSource source, Func<string> snapshotFolder, CancellationToken cancellationToken)
    {
        var present = new List<string>();
        await source.GetAsync(ModelFiles.Config, required: true, cancellationToken);
        present.Add(ModelFiles.Config);

        if (await source.GetAsync(ModelFiles.Weights, required: false, cancellationToken))
        {
            present.Add(ModelFiles.Weights);
        }
        else if (await source.GetAsync(ModelFiles.WeightsIndex, required: false, cancellationToken))
        {
            present.Add(ModelFiles.WeightsIndex);
            var index = Path.Combine(snapshotFolder(), ModelFiles.WeightsIndex);
            foreach (var shard in ModelFiles.ReadShardNames(index))
            {
                await source.GetAsync(shard, required: true, cancellationToken);
                present.Add(shard);
            }
        }
        else
        {
            throw source.Missing($"{ModelFiles.Weights} or {ModelFiles.WeightsIndex} (Locus loads safetensors weights only)");
        }

        foreach (var name in ModelFiles.TokenizerFiles)
            if (await source.GetAsync(name, required: false, cancellationToken)) present.Add(name);
        return present;
    }
}
