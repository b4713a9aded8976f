namespace Locus.Models.Hub;

/// <summary>
/// The hub could not be reached (no network, a refused connection, a timeout) or offline mode forbids asking it,
/// and the cache cannot stand in. The message says how to work without network.
/// </summary>
public sealed class HubUnreachableException : LocusException
{
    /// <summary>Creates the exception; <paramref name="problem"/> says what failed, the advice is appended.</summary>
    public HubUnreachableException(string problem, string cacheDirectory, Exception? inner = null)
        : base(problem + " " + Advice(cacheDirectory), inner!)
    {
    }

    /// <summary>How to get a model without network, naming the cache folder that offline mode reads.</summary>
    public static string Advice(string cacheDirectory) =>
        "To work without network, pass a local folder with --model /path/to/folder (holding config.json, "
        + "model.safetensors and the tokenizer files), or set HF_HUB_OFFLINE=1 with a Hugging Face cache that "
        + $"already holds the model (cache folder: {cacheDirectory}; set HF_HOME or HF_HUB_CACHE to use another).";
}
