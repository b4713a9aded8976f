using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Locus.Synthesis;

/// <summary>One chat-completion request of a synthesis run, identified by its round and index within the round.</summary>
/// <param name="Messages">The full prompt.</param>
/// <param name="Round">The round (1-based); part of the cache key, so each round's answers are cached apart.</param>
/// <param name="Index">The request's index within its round (0-based); part of the cache key, so identical prompts still give distinct samples.</param>
public sealed record LlmRequest(IReadOnlyList<ChatMessage> Messages, int Round, int Index)
{
    /// <summary>The JSON schema of the expected output, used when <see cref="LlmEndpointOptions.JsonMode"/> is <see cref="JsonOutputMode.Schema"/>.</summary>
    public JsonElement? OutputSchema { get; init; }

    /// <summary>
    /// Checks an answer: null when it is usable, else what is wrong with it. An answer that fails is retried (at most
    /// <see cref="LlmEndpointOptions.MalformedAnswerRetries"/> times) and never cached; a cached answer that fails is
    /// ignored. Not part of the cache key.
    /// </summary>
    public Func<string, string?>? CheckAnswer { get; init; }

    /// <summary>The sampling seed sent to the server (honoured by OpenAI, vLLM, llama.cpp, Ollama); null sends none.</summary>
    public long? Seed { get; init; }
}
