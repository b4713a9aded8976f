using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace Locus.Models.Checkpoints;

/// <summary>How <see cref="StateDictLoader"/> matches checkpoint keys to a module's parameters.</summary>
public sealed class StateDictLoadOptions
{
    /// <summary>
    /// Prefixes under which a base encoder may be stored (e.g. "bert.", "deberta."): a head checkpoint loads into
    /// a bare encoder and the other way round, as Hugging Face's from_pretrained does.
    /// </summary>
    public IReadOnlyList<string> BasePrefixes { get; init; } = [];

    /// <summary>Module keys that may be absent because they share storage with another key (target → source).</summary>
    public IReadOnlyDictionary<string, string> TiedKeys { get; init; } = new Dictionary<string, string>();

    /// <summary>Module keys allowed to be missing (e.g. a freshly initialised task head).</summary>
    public Func<string, bool> MayBeMissing { get; init; } = _ => false;

    /// <summary>Receives a warning listing checkpoint tensors that the module does not use.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;
}

/// <summary>What a load did: keys that stayed at their initial values and checkpoint keys nobody used.</summary>
public sealed record StateDictLoadReport(IReadOnlyList<string> Missing, IReadOnlyList<string> Unused);

/// <summary>Copies checkpoint tensors into a TorchSharp module's parameters and persistent buffers by name.</summary>
public static class StateDictLoader
{
    /// <summary>
    /// Loads every parameter and persistent buffer of <paramref name="module"/> from <paramref name="checkpoint"/>,
    /// converting to each parameter's dtype. A missing weight is an error naming every missing key; a shape
    /// mismatch is an error; checkpoint tensors that nothing uses are a warning.
    /// </summary>
    public static StateDictLoadReport Load(nn.Module module, Checkpoint checkpoint, StateDictLoadOptions? options = null)
    {
        options ??= new StateDictLoadOptions();
        var used = new HashSet<string>(StringComparer.Ordinal);
        var missing = new List<string>();
        var allowedMissing = new List<string>();
        var target = module.state_dict();

        using (no_grad())
        {
            foreach (var (key, destination) in target)
            {
                var source = Resolve(key, checkpoint, options);
                if (source is null)
                {
                    if (options.TiedKeys.ContainsKey(key)) continue;
                    (options.MayBeMissing(key) ? allowedMissing : missing).Add(key);
                    continue;
                }
                used.Add(source);
                var entry = checkpoint.Entry(source);
                if (!entry.Shape.SequenceEqual(destination.shape))
                    throw new LocusException($"checkpoint tensor '{source}' has shape [{string.Join(", ", entry.Shape)}] " +
                                             $"but the model expects [{string.Join(", ", destination.shape)}] for '{key}' (does config.json match the weights?)");
                using var value = checkpoint.Read(source, destination.dtype);
                destination.copy_(value);
            }

            foreach (var (targetKey, sourceKey) in options.TiedKeys)
            {
                // A module that shares one Parameter between both names copies onto itself, which is harmless.
                if (!checkpoint.Contains(targetKey) && target.TryGetValue(targetKey, out var tiedTo) && target.TryGetValue(sourceKey, out var tiedFrom))
                    tiedTo.copy_(tiedFrom);
            }
        }

        if (missing.Count > 0)
            throw new LocusException($"the checkpoint lacks {missing.Count} weight(s) the model needs: {string.Join(", ", missing.Take(20))}" +
                                     (missing.Count > 20 ? ", ..." : ""));

        var unused = checkpoint.Keys.Where(k => !used.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (unused.Count > 0)
            options.Logger.LogWarning("{Count} checkpoint tensor(s) not used by the model: {Keys}", unused.Count, string.Join(", ", unused.Take(20)));
        return new StateDictLoadReport(allowedMissing, unused);
    }

    static string? Resolve(string key, Checkpoint checkpoint, StateDictLoadOptions options)
    {
        if (checkpoint.Contains(key)) return key;
        foreach (var prefix in options.BasePrefixes)
        {
            if (checkpoint.Contains(prefix + key)) return prefix + key;
            if (key.StartsWith(prefix, StringComparison.Ordinal) && checkpoint.Contains(key[prefix.Length..])) return key[prefix.Length..];
        }
        return null;
    }
}
