namespace Locus.Synthesis;

/// <summary>What the LLM synthesiser asks for: rounds, requests, examples per request, and the prompt's content.</summary>
public sealed class SynthesisOptions
{
    /// <summary>
    /// Rounds of iterative retrieval-augmented generation (R in the paper). Each round retrieves real sentences
    /// similar to the seeds and to what earlier rounds generated; more rounds add diversity but may drift.
    /// </summary>
    public int Rounds { get; set; } = 3;

    /// <summary>
    /// Requests in each round; null (the default) follows the endpoint's concurrency: max(4,
    /// <see cref="LlmEndpointOptions.MaxConcurrency"/>), so that every slot has work (see <see cref="RequestsPerRoundFor"/>).
    /// </summary>
    public int? RequestsPerRound { get; set; }

    /// <summary>Examples asked for in each request.</summary>
    public int ExamplesPerRequest { get; set; } = 10;

    /// <summary>Real sentences retrieved for each request (top-k); 0 disables retrieval.</summary>
    public int RetrievedPerRequest { get; set; } = 8;

    /// <summary>Seed examples shown in one prompt at most; larger seed sets are sampled per request.</summary>
    public int MaxSeedsPerPrompt { get; set; } = 20;

    /// <summary>Examples generated in earlier rounds that are added to each request's retrieval queries.</summary>
    public int GeneratedQueriesPerRequest { get; set; } = 8;

    /// <summary>
    /// Whether each request emphasises one label in turn (request i of a round focuses on label i mod L), which
    /// keeps rare labels from being starved.
    /// </summary>
    public bool RotateFocusLabel { get; set; } = true;

    /// <summary>Domain constraints quoted in the prompt (register, language, topics to cover or avoid); optional.</summary>
    public string? DomainConstraints { get; set; }

    /// <summary>Seed of the deterministic choices (seed sampling, focus, query sampling) and of the server's sampling where supported.</summary>
    public int Seed { get; set; } = 13;

    /// <summary>The requests per round in force with <paramref name="maxConcurrency"/> requests allowed in flight.</summary>
    public int RequestsPerRoundFor(int maxConcurrency) => RequestsPerRound ?? Math.Max(4, maxConcurrency);

    /// <summary>Checks the values.</summary>
    /// <exception cref="LocusException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        if (Rounds < 1) throw new LocusException($"Synthesis rounds must be at least 1, got {Rounds}.");
        if (RequestsPerRound is < 1) throw new LocusException($"Synthesis requests per round must be at least 1, got {RequestsPerRound}.");
        if (ExamplesPerRequest < 1) throw new LocusException($"Synthesis examples per request must be at least 1, got {ExamplesPerRequest}.");
        if (RetrievedPerRequest < 0) throw new LocusException($"Retrieved sentences per request may not be negative, got {RetrievedPerRequest}.");
        if (MaxSeedsPerPrompt < 1) throw new LocusException($"Seeds per prompt must be at least 1, got {MaxSeedsPerPrompt}.");
        if (GeneratedQueriesPerRequest < 0) throw new LocusException($"Generated queries per request may not be negative, got {GeneratedQueriesPerRequest}.");
    }
}
