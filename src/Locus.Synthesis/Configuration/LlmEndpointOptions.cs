using System.Globalization;

namespace Locus.Synthesis;

/// <summary>
/// Where and how to call an OpenAI-compatible chat-completions endpoint (OpenAI, Azure OpenAI's <c>/openai/v1</c>
/// endpoint, Ollama, vLLM, llama.cpp server), and how to behave at scale. <see cref="ToString"/> and
/// <see cref="ToRecord"/> never show <see cref="ApiKey"/>.
/// </summary>
public sealed class LlmEndpointOptions
{
    /// <summary>The endpoint used when only an API key is given: OpenAI's public API.</summary>
    public static readonly Uri OpenAiEndpoint = new("https://api.openai.com/v1");

    /// <summary>The base URL, up to and including <c>/v1</c> (e.g. <c>http://localhost:11434/v1</c>); requests go to <c>{Endpoint}/chat/completions</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The model (or Azure deployment) name.</summary>
    public string? Model { get; set; }

    /// <summary>The API key, sent as <c>Authorization: Bearer</c>; optional for local servers. Never logged or recorded.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Sampling temperature; synthesis wants variety, so the default is 0.8.</summary>
    public float Temperature { get; set; } = 0.8f;

    /// <summary>Upper bound on the completion length in tokens; null leaves it to the server.</summary>
    public int? MaxOutputTokens { get; set; }

    /// <summary>How many requests may be in flight at once.</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Time allowed for one attempt of one request; a timed-out attempt is retried.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Retries after the first attempt on 408, 429, 5xx, network errors and timeouts.</summary>
    public int MaxRetries { get; set; } = 6;

    /// <summary>
    /// Further attempts for a request whose answer arrives (HTTP 200) but does not parse as the expected output
    /// (<see cref="LlmRequest.CheckAnswer"/>); such answers are never cached, and the last one is returned as it is.
    /// </summary>
    public int MalformedAnswerRetries { get; set; } = 2;

    /// <summary>The first back-off delay; later ones double, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts, whether from back-off or from a <c>Retry-After</c> header.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A folder for the response cache; null disables caching (and resuming).</summary>
    public string? CacheFolder { get; set; }

    /// <summary>Price of 1,000 prompt (input) tokens, in any currency unit; null when unknown.</summary>
    public decimal? PromptPricePer1KTokens { get; set; }

    /// <summary>Price of 1,000 completion (output) tokens; null when unknown.</summary>
    public decimal? CompletionPricePer1KTokens { get; set; }

    /// <summary>How JSON output is requested.</summary>
    public JsonOutputMode JsonMode { get; set; } = JsonOutputMode.Schema;

    /// <summary>Whether an endpoint and a model are known, i.e. whether the LLM generators can run.</summary>
    public bool IsConfigured => Endpoint is not null && !string.IsNullOrWhiteSpace(Model);

    /// <summary>
    /// Options from environment variables: <c>LOCUS_LLM_ENDPOINT</c> (else <c>OPENAI_BASE_URL</c>, else OpenAI's
    /// API when a key is set), <c>LOCUS_LLM_MODEL</c>, <c>LOCUS_LLM_API_KEY</c> (else <c>OPENAI_API_KEY</c>), and
    /// optionally <c>LOCUS_LLM_TEMPERATURE</c>, <c>LOCUS_LLM_MAX_CONCURRENCY</c>, <c>LOCUS_LLM_TIMEOUT_SECONDS</c>,
    /// <c>LOCUS_LLM_MAX_RETRIES</c>, <c>LOCUS_LLM_CACHE</c>, <c>LOCUS_LLM_PROMPT_PRICE_PER_1K</c>,
    /// <c>LOCUS_LLM_COMPLETION_PRICE_PER_1K</c>, <c>LOCUS_LLM_JSON_MODE</c> (schema, json_object, none).
    /// </summary>
    /// <param name="getVariable">Reads a variable; defaults to <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    /// <exception cref="LocusException">A variable has a value that cannot be parsed; the message names it.</exception>
    public static LlmEndpointOptions FromEnvironment(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        string? Get(string name) => getVariable(name) is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        T Parse<T>(string name, T fallback, Func<string, T?> parse) where T : struct =>
            Get(name) is not { } text ? fallback
            : parse(text) ?? throw new LocusException($"Environment variable {name}: cannot read '{text}'.");

        var options = new LlmEndpointOptions
        {
            Model = Get("LOCUS_LLM_MODEL"),
            ApiKey = Get("LOCUS_LLM_API_KEY") ?? Get("OPENAI_API_KEY"),
            CacheFolder = Get("LOCUS_LLM_CACHE"),
        };
        var endpointVariable = Get("LOCUS_LLM_ENDPOINT") is not null ? "LOCUS_LLM_ENDPOINT" : "OPENAI_BASE_URL";
        if (Get(endpointVariable) is { } endpoint)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                throw new LocusException($"Environment variable {endpointVariable}: '{endpoint}' is not an http(s) URL.");
            options.Endpoint = uri;
        }
        else if (options.ApiKey is not null) options.Endpoint = OpenAiEndpoint;

        var invariant = CultureInfo.InvariantCulture;
        options.Temperature = Parse<float>("LOCUS_LLM_TEMPERATURE", options.Temperature,
            t => float.TryParse(t, NumberStyles.Float, invariant, out var v) ? v : null);
        options.MaxConcurrency = Parse<int>("LOCUS_LLM_MAX_CONCURRENCY", options.MaxConcurrency, t => int.TryParse(t, invariant, out var v) ? v : null);
        options.Timeout = Parse<TimeSpan>("LOCUS_LLM_TIMEOUT_SECONDS", options.Timeout,
            t => double.TryParse(t, NumberStyles.Float, invariant, out var v) ? TimeSpan.FromSeconds(v) : null);
        options.MaxRetries = Parse<int>("LOCUS_LLM_MAX_RETRIES", options.MaxRetries, t => int.TryParse(t, invariant, out var v) ? v : null);
        options.MalformedAnswerRetries = Parse<int>("LOCUS_LLM_MALFORMED_RETRIES", options.MalformedAnswerRetries, t => int.TryParse(t, invariant, out var v) ? v : null);
        options.PromptPricePer1KTokens = Get("LOCUS_LLM_PROMPT_PRICE_PER_1K") is null ? null
            : Parse<decimal>("LOCUS_LLM_PROMPT_PRICE_PER_1K", 0, t => decimal.TryParse(t, NumberStyles.Float, invariant, out var v) ? v : null);
        options.CompletionPricePer1KTokens = Get("LOCUS_LLM_COMPLETION_PRICE_PER_1K") is null ? null
            : Parse<decimal>("LOCUS_LLM_COMPLETION_PRICE_PER_1K", 0, t => decimal.TryParse(t, NumberStyles.Float, invariant, out var v) ? v : null);
        options.JsonMode = Parse<JsonOutputMode>("LOCUS_LLM_JSON_MODE", options.JsonMode, t => t.ToLowerInvariant() switch
        {
            "schema" or "json_schema" => JsonOutputMode.Schema,
            "json_object" or "object" => JsonOutputMode.JsonObject,
            "none" or "off" => JsonOutputMode.None,
            _ => null,
        });
        options.Validate();
        return options;
    }

    /// <summary>Checks that the values make sense together.</summary>
    /// <exception cref="LocusException">A value is out of range or the model is missing; the message names the setting.</exception>
    public void Validate()
    {
        if (Endpoint is not null && string.IsNullOrWhiteSpace(Model))
            throw new LocusException($"An LLM endpoint is configured ({RedactedEndpoint}) but no model: set LOCUS_LLM_MODEL or LlmEndpointOptions.Model.");
        if (Endpoint is null && !string.IsNullOrWhiteSpace(Model))
            throw new LocusException($"An LLM model is configured ('{Model}') but no endpoint: set LOCUS_LLM_ENDPOINT (or OPENAI_BASE_URL / OPENAI_API_KEY).");
        if (Temperature is < 0 or > 2 || float.IsNaN(Temperature)) throw new LocusException($"LLM temperature {Temperature} is outside [0, 2].");
        if (MaxConcurrency < 1) throw new LocusException($"LLM max concurrency must be at least 1, got {MaxConcurrency}.");
        if (MaxRetries < 0) throw new LocusException($"LLM max retries may not be negative, got {MaxRetries}.");
        if (MalformedAnswerRetries < 0) throw new LocusException($"LLM retries of malformed answers may not be negative, got {MalformedAnswerRetries}.");
        if (Timeout <= TimeSpan.Zero) throw new LocusException($"LLM timeout must be positive, got {Timeout}.");
        if (RetryBaseDelay < TimeSpan.Zero || MaxRetryDelay < RetryBaseDelay)
            throw new LocusException($"LLM retry delays must satisfy 0 <= base ({RetryBaseDelay}) <= max ({MaxRetryDelay}).");
        if (MaxOutputTokens is < 1) throw new LocusException($"LLM max output tokens must be positive, got {MaxOutputTokens}.");
        if (PromptPricePer1KTokens < 0 || CompletionPricePer1KTokens < 0) throw new LocusException("LLM token prices may not be negative.");
    }

    /// <summary>
    /// The endpoint without user information, query or fragment (which may carry credentials), or <c>(none)</c>.
    /// </summary>
    public string RedactedEndpoint => Endpoint is null ? "(none)"
        : new UriBuilder(Endpoint) { UserName = "", Password = "", Query = "", Fragment = "" }.Uri.ToString();

    /// <summary>The settings as a record for run manifests: everything but the key, and whether one is set.</summary>
    public LlmEndpointRecord ToRecord() => new(RedactedEndpoint, Model, !string.IsNullOrEmpty(ApiKey), Temperature, MaxOutputTokens,
        MaxConcurrency, Timeout.TotalSeconds, MaxRetries, CacheFolder, PromptPricePer1KTokens, CompletionPricePer1KTokens, JsonMode, MalformedAnswerRetries);

    /// <summary>A copy of these options (to change one setting for one use without touching the caller's).</summary>
    public LlmEndpointOptions Clone() => (LlmEndpointOptions)MemberwiseClone();

    /// <summary>A one-line description without the API key.</summary>
    public override string ToString() => ToRecord().ToString();
}
