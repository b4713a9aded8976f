namespace Locus.Models.Hub;

/// <summary>
/// Where and how models are fetched from the Hugging Face hub. <see cref="FromEnvironment()"/> reads the
/// same environment variables as the Python <c>huggingface_hub</c> library, so both share one cache; a new
/// instance holds the built-in defaults and reads no variable.
/// </summary>
public sealed class HubOptions
{
    /// <summary>The hub used when <c>HF_ENDPOINT</c> is not set.</summary>
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>Base address of the hub (default https://huggingface.co; HF_ENDPOINT); files are fetched from <c>{Endpoint}/{repo}/resolve/{revision}/{file}</c>.</summary>
    public string Endpoint { get; set; } = DefaultEndpoint;

    /// <summary>Access token sent as <c>Authorization: Bearer</c> to the hub only (HF_TOKEN); never logged.</summary>
    public string? Token { get; set; }

    /// <summary>The hub cache folder holding <c>models--org--name</c> folders (default ~/.cache/huggingface/hub; HF_HUB_CACHE, or $HF_HOME/hub).</summary>
    public string CacheDirectory { get; set; } = DefaultCacheDirectory(_ => null);

    /// <summary>When true no request is made and models come from <see cref="CacheDirectory"/> only (HF_HUB_OFFLINE=1).</summary>
    public bool Offline { get; set; }

    /// <summary>
    /// How long to wait for the hub to answer a request, and for each read of a download to return data,
    /// before giving up. A large file is not limited as a whole: only a stalled transfer times out.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// When false (the default) a branch or tag whose snapshot is complete in the cache is used without asking
    /// the hub, so repeated runs make no request; when true the revision is resolved again on the hub and a
    /// newer commit is downloaded.
    /// </summary>
    public bool RefreshRevision { get; set; }

    /// <summary>Options from the process environment: HF_ENDPOINT, HF_TOKEN, HF_HOME, HF_HUB_CACHE, HF_HUB_OFFLINE.</summary>
    public static HubOptions FromEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>
    /// Options from the given variable lookup (a seam for tests). The token comes from HF_TOKEN, else the
    /// legacy HUGGING_FACE_HUB_TOKEN, else the file written by <c>hf auth login</c> (HF_TOKEN_PATH or $HF_HOME/token).
    /// </summary>
    public static HubOptions FromEnvironment(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        var endpoint = NonEmpty(getVariable("HF_ENDPOINT"));
        return new HubOptions
        {
            Endpoint = endpoint?.TrimEnd('/') ?? DefaultEndpoint,
            Token = NonEmpty(getVariable("HF_TOKEN")) ?? NonEmpty(getVariable("HUGGING_FACE_HUB_TOKEN")) ?? ReadTokenFile(getVariable),
            CacheDirectory = DefaultCacheDirectory(getVariable),
            Offline = IsTrue(getVariable("HF_HUB_OFFLINE")),
        };
    }

    /// <summary>HF_HUB_CACHE, else HUGGINGFACE_HUB_CACHE (legacy), else $HF_HOME/hub.</summary>
    private static string DefaultCacheDirectory(Func<string, string?> getVariable) =>
        ExpandHome(NonEmpty(getVariable("HF_HUB_CACHE")) ?? NonEmpty(getVariable("HUGGINGFACE_HUB_CACHE")))
        ?? Path.Combine(HfHome(getVariable), "hub");

    /// <summary>HF_HOME, else $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface (as huggingface_hub decides).</summary>
    private static string HfHome(Func<string, string?> getVariable)
    {
        var home = ExpandHome(NonEmpty(getVariable("HF_HOME")));
        if (home is not null) return home;
        var xdg = ExpandHome(NonEmpty(getVariable("XDG_CACHE_HOME")))
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(xdg, "huggingface");
    }

    private static string? ReadTokenFile(Func<string, string?> getVariable)
    {
        var path = ExpandHome(NonEmpty(getVariable("HF_TOKEN_PATH"))) ?? Path.Combine(HfHome(getVariable), "token");
        if (!File.Exists(path)) return null;
        return NonEmpty(File.ReadAllText(path).Trim());
    }

    // huggingface_hub accepts these spellings for boolean variables.
    private static bool IsTrue(string? value) =>
        value is not null && value.Trim().ToUpperInvariant() is "1" or "ON" or "YES" or "TRUE";

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string? ExpandHome(string? path)
    {
        if (path is null || !(path == "~" || path.StartsWith("~/", StringComparison.Ordinal))) return path;
        return Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..];
    }
}
