namespace Locus.Synthesis;

/// <summary>One retry of a request: which attempt failed, why, and how long the client waited before the next.</summary>
/// <param name="Attempt">The 1-based attempt that failed.</param>
/// <param name="Reason">What went wrong (status code, timeout, network error), without secrets.</param>
/// <param name="Delay">The wait before the next attempt (from back-off, or the server's <c>Retry-After</c>).</param>
/// <param name="Stall">Whether the attempt stalled: no answer within <see cref="LlmEndpointOptions.Timeout"/>.</param>
public sealed record RetryEvent(int Attempt, string Reason, TimeSpan Delay, bool Stall = false);

/// <summary>The accounting of one request: tokens, cost, attempts, and whether the answer came from the cache.</summary>
/// <param name="Key">The cache key (a SHA-256 of endpoint, model, prompt, sampling settings, round and index).</param>
/// <param name="Round">The synthesis round.</param>
/// <param name="Index">The request index within the round.</param>
/// <param name="FromCache">Whether the answer was read from the cache (no HTTP call, no cost).</param>
/// <param name="PromptTokens">Prompt tokens the server reported, or null when it reported none.</param>
/// <param name="CompletionTokens">Completion tokens the server reported, or null.</param>
/// <param name="Cost">Cost of this call from the configured prices; 0 for cached answers; null when no price is configured.</param>
/// <param name="Attempts">HTTP attempts made (0 for cached answers).</param>
/// <param name="Retries">The retries, in order (transient failures and malformed answers).</param>
/// <param name="MalformedAnswers">Answers that arrived but did not parse (each one retried while retries were left; none cached).</param>
public sealed record LlmCallRecord(
    string Key,
    int Round,
    int Index,
    bool FromCache,
    long? PromptTokens,
    long? CompletionTokens,
    decimal? Cost,
    int Attempts,
    IReadOnlyList<RetryEvent> Retries,
    int MalformedAnswers = 0)
{
    /// <summary>Attempts that stalled (no answer within the timeout) and were retried.</summary>
    public int Stalls => Retries.Count(r => r.Stall);
}

/// <summary>The text of an answer and its accounting.</summary>
/// <param name="Text">The assistant message's text.</param>
/// <param name="Call">The accounting.</param>
public sealed record LlmResponse(string Text, LlmCallRecord Call);
