namespace Locus.Serving;

/// <summary>Settings of a <see cref="LocusServer"/>: what it serves, where, and the limits it enforces.</summary>
public sealed record ServeOptions
{
    /// <summary>
    /// Models to serve: a run (<c>runs/NAME</c>: its promoted, else latest completed, version), a run version folder or a
    /// model folder; <c>NAME=PATH</c> serves PATH under NAME (default: the run's name, else the folder's name).
    /// </summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>Addresses to listen on; port 0 picks a free port (see <see cref="LocusServer.Urls"/>).</summary>
    public IReadOnlyList<string> Urls { get; init; } = ["http://127.0.0.1:8080"];

    /// <summary>When set, <c>/v1/*</c> and <c>/metrics</c> need <c>Authorization: Bearer KEY</c> or <c>X-Api-Key: KEY</c>.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The most texts one forward pass of a base model takes; a micro-batch closes when it is full.</summary>
    public int MaxBatch { get; init; } = 32;

    /// <summary>How long the first request of a micro-batch waits for others to join it.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>The longest text accepted, in characters (413 beyond); long texts are windowed as in <c>locus predict</c>.</summary>
    public int MaxTextChars { get; init; } = 20_000;

    /// <summary>The most texts one request may carry (413 beyond).</summary>
    public int MaxTexts { get; init; } = 256;

    /// <summary>Where adapters' base model is, when it moved since training (as <c>predict --base</c>).</summary>
    public string? BaseModel { get; init; }

    /// <summary>A model atlas folder (<c>locus atlas train</c>): adds <c>POST /v1/route</c>.</summary>
    public string? Atlas { get; init; }

    /// <summary>A request that takes longer is cancelled and answered 504.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a shutdown waits for in-flight requests to finish.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks the settings; the message names the setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        if (Urls.Count == 0) throw new ArgumentException("at least one URL to listen on is needed", nameof(Urls));
        if (MaxBatch < 1) throw new ArgumentException("max batch must be at least 1", nameof(MaxBatch));
        if (MaxWait < TimeSpan.Zero) throw new ArgumentException("max wait must not be negative", nameof(MaxWait));
        if (MaxTextChars < 1) throw new ArgumentException("max text chars must be at least 1", nameof(MaxTextChars));
        if (MaxTexts < 1) throw new ArgumentException("max texts must be at least 1", nameof(MaxTexts));
        if (ApiKey is { Length: 0 }) throw new ArgumentException("an API key must not be empty", nameof(ApiKey));
    }
}
