namespace Locus.Synthesis;

/// <summary>
/// The LLM settings of a run as they may be written to a run record or a log: the API key is reduced to whether
/// one was configured, and the endpoint to scheme, host and path.
/// </summary>
/// <param name="Endpoint">The endpoint without credentials, query or fragment.</param>
/// <param name="Model">The model name.</param>
/// <param name="ApiKeyConfigured">Whether an API key was set (never the key itself).</param>
/// <param name="Temperature">Sampling temperature.</param>
/// <param name="MaxOutputTokens">Completion length limit, if any.</param>
/// <param name="MaxConcurrency">Requests in flight at most.</param>
/// <param name="TimeoutSeconds">Per-attempt timeout.</param>
/// <param name="MaxRetries">Retries after the first attempt.</param>
/// <param name="CacheFolder">The response cache, if any.</param>
/// <param name="PromptPricePer1KTokens">Configured prompt price.</param>
/// <param name="CompletionPricePer1KTokens">Configured completion price.</param>
/// <param name="JsonMode">How JSON output was requested.</param>
/// <param name="MalformedAnswerRetries">Further attempts for an answer that does not parse.</param>
public sealed record LlmEndpointRecord(
    string Endpoint,
    string? Model,
    bool ApiKeyConfigured,
    float Temperature,
    int? MaxOutputTokens,
    int MaxConcurrency,
    double TimeoutSeconds,
    int MaxRetries,
    string? CacheFolder,
    decimal? PromptPricePer1KTokens,
    decimal? CompletionPricePer1KTokens,
    JsonOutputMode JsonMode,
    int MalformedAnswerRetries = 2);
