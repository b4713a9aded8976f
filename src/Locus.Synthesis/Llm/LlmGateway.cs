using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenAI;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Locus.Synthesis;

/// <summary>
/// Sends chat requests to one endpoint robustly: answers come from the disk cache when present; otherwise at most
/// <see cref="LlmEndpointOptions.MaxConcurrency"/> requests are in flight, each attempt is bounded by
/// <see cref="LlmEndpointOptions.Timeout"/>, and transient failures (429, 5xx, timeouts, network errors) are retried
/// with exponential back-off and jitter, honouring <c>Retry-After</c>. Every call is accounted in <see cref="Usage"/>.
/// </summary>
public sealed class LlmGateway : IDisposable
{
    private static readonly ResiliencePropertyKey<List<RetryEvent>> RetriesKey = new("locus.retries");

    private readonly IChatClient _client;
    private readonly bool _ownsClient;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private readonly ResiliencePipeline _pipeline;
    private readonly ResponseCache? _cache;
    private readonly SecretRedactor _redactor;
    private readonly TimeProvider _time;

    /// <summary>Creates a gateway over an existing chat client (which stays the caller's to dispose).</summary>
    /// <exception cref="LocusException">The options are invalid.</exception>
    public LlmGateway(IChatClient client, LlmEndpointOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
        : this(client, ownsClient: false, options, logger, timeProvider)
    {
    }

    private LlmGateway(IChatClient client, bool ownsClient, LlmEndpointOptions options, ILogger? logger, TimeProvider? timeProvider)
    {
        options.Validate();
        if (!options.IsConfigured) throw new LocusException("No LLM endpoint is configured: set LOCUS_LLM_ENDPOINT and LOCUS_LLM_MODEL.");
        Options = options;
        _client = client;
        _ownsClient = ownsClient;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _slots = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        _redactor = new SecretRedactor(options.ApiKey);
        _cache = options.CacheFolder is null ? null : new ResponseCache(options.CacheFolder, _logger);
        _pipeline = BuildPipeline();
        Usage = new UsageLedger(options.PromptPricePer1KTokens, options.CompletionPricePer1KTokens);
    }

    /// <summary>
    /// Creates a gateway that talks to <see cref="LlmEndpointOptions.Endpoint"/> through the OpenAI client
    /// (<c>OpenAIClient.GetChatClient(model).AsIChatClient()</c>), with the client's own retries turned off so
    /// that the gateway's policy is the only one.
    /// </summary>
    /// <exception cref="LocusException">No endpoint or model is configured, or the options are invalid.</exception>
    public static LlmGateway Create(LlmEndpointOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        options.Validate();
        if (!options.IsConfigured) throw new LocusException("No LLM endpoint is configured: set LOCUS_LLM_ENDPOINT and LOCUS_LLM_MODEL.");
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = options.Endpoint,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            // The gateway's per-attempt timeout fires first; this only guards against a hung socket.
            NetworkTimeout = options.Timeout + TimeSpan.FromSeconds(30),
        };
        // Local servers (Ollama, llama.cpp) need no key, but the client requires a credential.
        var credential = new ApiKeyCredential(string.IsNullOrEmpty(options.ApiKey) ? "no-key" : options.ApiKey);
        var chat = new OpenAIClient(credential, clientOptions).GetChatClient(options.Model).AsIChatClient();
        return new LlmGateway(chat, ownsClient: true, options, logger, timeProvider);
    }

    /// <summary>The options in force.</summary>
    public LlmEndpointOptions Options { get; }

    /// <summary>Token usage and cost of every call made through this gateway.</summary>
    public UsageLedger Usage { get; }

    /// <summary>The full path of the response cache, or null when caching is off.</summary>
    public string? CacheFolder => _cache?.Folder;

    /// <summary>
    /// Answers a request from the cache or from the endpoint. An answer that fails <see cref="LlmRequest.CheckAnswer"/>
    /// is asked for again (at most <see cref="LlmEndpointOptions.MalformedAnswerRetries"/> times) and never cached; when
    /// every answer fails, the last one is returned (uncached) for the caller to reject.
    /// </summary>
    /// <exception cref="LocusException">The endpoint refused the request (4xx other than 408/429) or kept failing after all retries; the message names the endpoint, model, round and request but never the key.</exception>
    public async Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default)
    {
        var key = RequestKey.Compute(Options, request);
        if (_cache is not null && await _cache.TryReadAsync(key, cancellationToken) is { } cached)
        {
            if (request.CheckAnswer?.Invoke(cached.Text) is { } cachedProblem)
                _logger.LogWarning("Round {Round} request {Index}: ignoring a cached answer that does not parse ({Problem}); asking again",
                    request.Round, request.Index, cachedProblem);
            else
            {
                _logger.LogDebug("Round {Round} request {Index}: answered from the cache", request.Round, request.Index);
                return Record(new LlmResponse(cached.Text,
                    new LlmCallRecord(key, request.Round, request.Index, FromCache: true, cached.PromptTokens, cached.CompletionTokens, Cost: Usage.HasPrices ? 0m : null, Attempts: 0, Retries: [])));
            }
        }

        await _slots.WaitAsync(cancellationToken);
        try
        {
            var attempts = 0;
            var malformed = 0;
            var retries = new List<RetryEvent>();
            long? promptTokens = null, completionTokens = null;
            while (true)
            {
                var (response, made, failures) = await SendAsync(request, cancellationToken);
                retries.AddRange(failures.Select(f => f with { Attempt = f.Attempt + attempts }));
                attempts += made;
                if (response.Usage?.InputTokenCount is { } prompt) promptTokens = (promptTokens ?? 0) + prompt;
                if (response.Usage?.OutputTokenCount is { } completion) completionTokens = (completionTokens ?? 0) + completion;
                var text = response.Text;
                var problem = request.CheckAnswer?.Invoke(text);
                if (problem is null && _cache is not null)
                    await _cache.WriteAsync(key, new CachedResponse(text, promptTokens, completionTokens, response.ModelId), cancellationToken);
                if (problem is not null)
                {
                    malformed++;
                    if (malformed <= Options.MalformedAnswerRetries)
                    {
                        retries.Add(new RetryEvent(attempts, "malformed answer: " + problem, TimeSpan.Zero));
                        _logger.LogWarning("Round {Round} request {Index}: the answer does not parse ({Problem}); asking again ({Retry} of {Retries})",
                            request.Round, request.Index, problem, malformed, Options.MalformedAnswerRetries);
                        continue;
                    }
                    _logger.LogWarning("Round {Round} request {Index}: {Count} answers in a row did not parse ({Problem}); the last one is kept as a reject and not cached",
                        request.Round, request.Index, malformed, problem);
                }
                _logger.LogDebug("Round {Round} request {Index}: {PromptTokens} prompt + {CompletionTokens} completion tokens in {Attempts} attempt(s)",
                    request.Round, request.Index, promptTokens, completionTokens, attempts);
                return Record(new LlmResponse(text, new LlmCallRecord(key, request.Round, request.Index, FromCache: false, promptTokens, completionTokens,
                    Usage.CostOf(promptTokens, completionTokens), attempts, retries, malformed)));
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<(ChatResponse Response, int Attempts, IReadOnlyList<RetryEvent> Retries)> SendAsync(LlmRequest request, CancellationToken cancellationToken)
    {
        var chatOptions = BuildChatOptions(request);
        var retries = new List<RetryEvent>();
        var attempts = 0;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RetriesKey, retries);
        try
        {
            var response = await _pipeline.ExecuteAsync(async ctx =>
            {
                attempts++;
                return await _client.GetResponseAsync(request.Messages, chatOptions, ctx.CancellationToken);
            }, context);
            return (response, attempts, retries);
        }
        catch (Exception e) when (e is ClientResultException || TransientFailures.IsTransient(e))
        {
            var what = TransientFailures.IsTransient(e) ? $"failed after {attempts} attempt(s)" : "was refused";
            throw new LocusException($"LLM request (round {request.Round}, request {request.Index}) to {Options.RedactedEndpoint}, model '{Options.Model}', {what}: "
                + TransientFailures.Describe(e, Options.Timeout, _redactor));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private ChatOptions BuildChatOptions(LlmRequest request) => new()
    {
        Temperature = Options.Temperature,
        MaxOutputTokens = Options.MaxOutputTokens,
        Seed = request.Seed,
        ResponseFormat = Options.JsonMode switch
        {
            JsonOutputMode.Schema when request.OutputSchema is { } schema =>
                ChatResponseFormat.ForJsonSchema(schema, "locus_examples", "Generated training examples"),
            JsonOutputMode.Schema or JsonOutputMode.JsonObject => ChatResponseFormat.Json,
            _ => null,
        },
    };

    private ResiliencePipeline BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = _time };
        if (Options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                // A refused connection is retried once, a host name that does not resolve never.
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && TransientFailures.IsTransient(e)
                    && args.AttemptNumber < TransientFailures.RetryLimit(e, Options.MaxRetries)),
                MaxRetryAttempts = Options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = Options.RetryBaseDelay,
                MaxDelay = Options.MaxRetryDelay,
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e && TransientFailures.RetryAfter(e, _time.GetUtcNow()) is { } wait
                        ? (TimeSpan?)(wait < Options.MaxRetryDelay ? wait : Options.MaxRetryDelay)
                        : null),
                OnRetry = args =>
                {
                    var reason = TransientFailures.Describe(args.Outcome.Exception!, Options.Timeout, _redactor);
                    if (args.Context.Properties.TryGetValue(RetriesKey, out var events))
                        events.Add(new RetryEvent(args.AttemptNumber + 1, reason, args.RetryDelay, Stall: args.Outcome.Exception is TimeoutRejectedException));
                    _logger.LogWarning("LLM attempt {Attempt} failed ({Reason}); retrying in {Delay:0.###} s",
                        args.AttemptNumber + 1, reason, args.RetryDelay.TotalSeconds);
                    return default;
                },
            });
        }
        return builder.AddTimeout(Options.Timeout).Build();
    }

    private LlmResponse Record(LlmResponse response)
    {
        Usage.Add(response.Call);
        return response;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _slots.Dispose();
        if (_ownsClient) _client.Dispose();
    }
}
