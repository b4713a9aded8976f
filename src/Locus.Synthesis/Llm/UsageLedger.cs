namespace Locus.Synthesis;

/// <summary>Totals over the calls of a run.</summary>
/// <param name="Requests">Requests answered, live or from the cache.</param>
/// <param name="CachedRequests">Requests answered from the cache.</param>
/// <param name="HttpAttempts">HTTP attempts made, retries included.</param>
/// <param name="Retries">Retries (attempts after a transient failure).</param>
/// <param name="PromptTokens">Prompt tokens of live calls.</param>
/// <param name="CompletionTokens">Completion tokens of live calls.</param>
/// <param name="CachedPromptTokens">Prompt tokens of cached answers (what the cache saved).</param>
/// <param name="CachedCompletionTokens">Completion tokens of cached answers.</param>
/// <param name="CallsWithoutUsage">Answers whose server reported no token usage (their tokens are not counted).</param>
/// <param name="Cost">Cost of live calls from the configured prices; null when no price is configured.</param>
/// <param name="Stalls">Attempts that got no answer within the timeout (each retried).</param>
/// <param name="MalformedAnswers">Answers that arrived but did not parse (retried while retries were left, never cached).</param>
public sealed record UsageTotals(
    int Requests,
    int CachedRequests,
    int HttpAttempts,
    int Retries,
    long PromptTokens,
    long CompletionTokens,
    long CachedPromptTokens,
    long CachedCompletionTokens,
    int CallsWithoutUsage,
    decimal? Cost,
    int Stalls = 0,
    int MalformedAnswers = 0)
{
    /// <summary>Prompt plus completion tokens of live calls.</summary>
    public long TotalTokens => PromptTokens + CompletionTokens;
}

/// <summary>Collects <see cref="LlmCallRecord"/>s from concurrent calls and sums them. Thread-safe.</summary>
public sealed class UsageLedger
{
    private readonly List<LlmCallRecord> _calls = [];
    private readonly decimal? _promptPrice;
    private readonly decimal? _completionPrice;

    /// <summary>Creates a ledger pricing tokens per 1,000; with both prices null, costs are null (unknown).</summary>
    public UsageLedger(decimal? promptPricePer1KTokens, decimal? completionPricePer1KTokens)
    {
        _promptPrice = promptPricePer1KTokens;
        _completionPrice = completionPricePer1KTokens;
    }

    /// <summary>Whether any price is configured.</summary>
    public bool HasPrices => _promptPrice is not null || _completionPrice is not null;

    /// <summary>The cost of a live call; a missing price counts as 0 when the other is set.</summary>
    public decimal? CostOf(long? promptTokens, long? completionTokens) => HasPrices
        ? ((promptTokens ?? 0) * (_promptPrice ?? 0m) + (completionTokens ?? 0) * (_completionPrice ?? 0m)) / 1000m
        : null;

    /// <summary>Adds a call.</summary>
    public void Add(LlmCallRecord call)
    {
        lock (_calls) _calls.Add(call);
    }

    /// <summary>The calls so far, ordered by round and index.</summary>
    public IReadOnlyList<LlmCallRecord> Calls
    {
        get
        {
            lock (_calls) return _calls.OrderBy(c => c.Round).ThenBy(c => c.Index).ToList();
        }
    }

    /// <summary>The totals so far.</summary>
    public UsageTotals Totals
    {
        get
        {
            var calls = Calls;
            var live = calls.Where(c => !c.FromCache).ToList();
            var cached = calls.Where(c => c.FromCache).ToList();
            return new UsageTotals(
                Requests: calls.Count,
                CachedRequests: cached.Count,
                HttpAttempts: calls.Sum(c => c.Attempts),
                Retries: calls.Sum(c => c.Retries.Count),
                PromptTokens: live.Sum(c => c.PromptTokens ?? 0),
                CompletionTokens: live.Sum(c => c.CompletionTokens ?? 0),
                CachedPromptTokens: cached.Sum(c => c.PromptTokens ?? 0),
                CachedCompletionTokens: cached.Sum(c => c.CompletionTokens ?? 0),
                CallsWithoutUsage: calls.Count(c => c.PromptTokens is null && c.CompletionTokens is null),
                Cost: HasPrices ? live.Sum(c => c.Cost ?? 0m) : null,
                Stalls: calls.Sum(c => c.Stalls),
                MalformedAnswers: calls.Sum(c => c.MalformedAnswers));
        }
    }
}
