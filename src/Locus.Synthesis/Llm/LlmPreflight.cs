using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Locus.Synthesis;

/// <summary>
/// A cheap check of an LLM endpoint before any long work: <c>GET {endpoint}/models</c> and, when that route is
/// missing or does not list the model, a one-token chat completion. Fails in seconds, without retries, with a
/// one-line message on a refused key (401/403), a wrong URL or model (404), a refused connection, a host name that
/// does not resolve, or no answer at all; a busy server (429, 5xx) only gives a warning, since requests are retried.
/// </summary>
public static class LlmPreflight
{
    /// <summary>How long the check waits for each answer by default.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Checks that <paramref name="options"/>' endpoint answers and accepts the key and the model.</summary>
    /// <exception cref="LocusException">The endpoint cannot be used; the message says why in one line, without the key.</exception>
    public static async Task CheckAsync(LlmEndpointOptions options, ILogger? logger = null, TimeSpan? timeout = null,
        HttpMessageHandler? handler = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        if (!options.IsConfigured) throw new LocusException("No LLM endpoint is configured: set LOCUS_LLM_ENDPOINT and LOCUS_LLM_MODEL.");
        logger ??= NullLogger.Instance;
        var wait = timeout ?? DefaultTimeout;
        var redactor = new SecretRedactor(options.ApiKey);
        using var client = handler is null
            ? new HttpClient(new SocketsHttpHandler { ConnectTimeout = wait }) { Timeout = wait }
            : new HttpClient(handler, disposeHandler: false) { Timeout = wait };
        if (!string.IsNullOrEmpty(options.ApiKey)) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        var root = options.Endpoint!.ToString().TrimEnd('/');
        var where = $"LLM endpoint {options.RedactedEndpoint} (model '{options.Model}')";

        var (status, body) = await SendAsync(client, new HttpRequestMessage(HttpMethod.Get, root + "/models"), where, wait, cancellationToken);
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) throw Refused(where, status, redactor, body);
        if (status == HttpStatusCode.OK && ListsModel(body, options.Model!) != false)
        {
            logger.LogDebug("{Where}: preflight passed", where);
            return;
        }
        if (status != HttpStatusCode.OK && status != HttpStatusCode.NotFound)
        {
            logger.LogWarning("{Where}: preflight got HTTP {Status} from /models; going on (requests are retried)", where, (int)status);
            return;
        }

        // /models is missing (some servers) or does not list the model (Azure deployments): ask for one token.
        var probe = new JsonObject
        {
            ["model"] = options.Model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "ping" }),
            ["max_tokens"] = 1,
        };
        using var chat = new HttpRequestMessage(HttpMethod.Post, root + "/chat/completions")
        {
            Content = new StringContent(probe.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        var (chatStatus, chatBody) = await SendAsync(client, chat, where, wait, cancellationToken);
        switch (chatStatus)
        {
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                throw Refused(where, chatStatus, redactor, chatBody);
            case HttpStatusCode.NotFound:
                throw new LocusException(status == HttpStatusCode.OK
                    ? $"{where}: the model is not served (HTTP 404; the endpoint lists {Listed(body)}): check LOCUS_LLM_MODEL."
                    : $"{where}: HTTP 404 for /models and /chat/completions: check that LOCUS_LLM_ENDPOINT is the API root (e.g. http://localhost:11434/v1) and LOCUS_LLM_MODEL.");
            case var s when (int)s >= 200 && (int)s < 300:
                logger.LogDebug("{Where}: preflight passed (one-token completion)", where);
                return;
            default:
                logger.LogWarning("{Where}: preflight completion got HTTP {Status}; going on", where, (int)chatStatus);
                return;
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient client, HttpRequestMessage request, string where, TimeSpan wait,
        CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }
        catch (HttpRequestException e)
        {
            throw new LocusException($"{where}: {Unreachable(e, request.RequestUri!)}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LocusException($"{where}: no answer within {wait.TotalSeconds:0.#} s: is the server up and the URL right (LOCUS_LLM_ENDPOINT)?");
        }
    }

    /// <summary>Says why a connection could not be made, in a few words.</summary>
    internal static string Unreachable(Exception e, Uri uri) => TransientFailures.ConnectionFailure(e) switch
    {
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain =>
            $"the host name '{uri.Host}' does not resolve (DNS): check LOCUS_LLM_ENDPOINT.",
        SocketError.ConnectionRefused => $"connection refused by {uri.Host}:{uri.Port}: is the server running, and on that port?",
        _ => $"cannot connect: {e.Message}",
    };

    private static LocusException Refused(string where, HttpStatusCode status, SecretRedactor redactor, string body) =>
        new($"{where} refused the request (HTTP {(int)status}{ErrorMessage(body, redactor)}): check LOCUS_LLM_API_KEY (or OPENAI_API_KEY) and its access to the model.");

    private static string ErrorMessage(string body, SecretRedactor redactor)
    {
        try
        {
            var message = JsonNode.Parse(body)?["error"]?["message"]?.GetValue<string>();
            return string.IsNullOrWhiteSpace(message) ? "" : ": " + redactor.Redact(string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return "";
        }
    }

    /// <summary>Whether an OpenAI-style model list names the model; null when the body is not such a list.</summary>
    private static bool? ListsModel(string body, string model)
    {
        var ids = ModelIds(body);
        return ids is null ? null : ids.Contains(model, StringComparer.Ordinal);
    }

    private static List<string>? ModelIds(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["data"] is JsonArray data
                ? data.Select(m => m?["id"]?.GetValue<string>()).OfType<string>().ToList()
                : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string Listed(string body) => ModelIds(body) is { Count: > 0 } ids
        ? string.Join(", ", ids.Take(10).Select(i => $"'{i}'")) + (ids.Count > 10 ? $" and {ids.Count - 10} more" : "")
        : "no models";
}
