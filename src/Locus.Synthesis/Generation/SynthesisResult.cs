namespace Locus.Synthesis;

/// <summary>What one round of LLM synthesis did.</summary>
/// <param name="Round">The round (1-based).</param>
/// <param name="Requests">Requests sent (or answered from the cache).</param>
/// <param name="Retrieved">Distinct real sentences put into this round's prompts as context.</param>
/// <param name="Accepted">Examples kept.</param>
/// <param name="Rejected">Items or answers rejected.</param>
public sealed record SynthesisRoundSummary(int Round, int Requests, int Retrieved, int Accepted, int Rejected);

/// <summary>The outcome of an LLM synthesis run.</summary>
/// <param name="Examples">The accepted examples, in round, request and item order, with provenance.</param>
/// <param name="Rejects">Everything rejected, with reasons.</param>
/// <param name="Rounds">Per-round counts.</param>
/// <param name="Usage">Token usage and cost totals.</param>
/// <param name="Calls">Accounting of every request.</param>
public sealed record SynthesisResult(
    IReadOnlyList<SynthesizedExample> Examples,
    IReadOnlyList<RejectedSample> Rejects,
    IReadOnlyList<SynthesisRoundSummary> Rounds,
    UsageTotals Usage,
    IReadOnlyList<LlmCallRecord> Calls);

/// <summary>Progress of an LLM synthesis run, reported after each request.</summary>
/// <param name="Round">The round of the request just answered (rounds overlap: a request starts when those it depends on are answered).</param>
/// <param name="Rounds">Rounds in all.</param>
/// <param name="RequestsDone">Requests answered so far in the whole run.</param>
/// <param name="RequestsTotal">Requests in the whole run.</param>
/// <param name="Accepted">Usable examples in the answers before this one (provisional: duplicates across requests are removed at the end).</param>
public sealed record SynthesisProgress(int Round, int Rounds, int RequestsDone, int RequestsTotal, int Accepted);
