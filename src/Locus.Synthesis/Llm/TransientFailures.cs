using System.ClientModel;
using System.Globalization;
using System.Net.Sockets;
using Polly.Timeout;

namespace Locus.Synthesis;

/// <summary>Tells which failures of a chat call are worth retrying and how long the server asked us to wait.</summary>
internal static class TransientFailures
{
    /// <summary>
    /// Retry on 408 (timeout), 429 (rate limit), 5xx, no response at all (status 0), network errors and our own
    /// per-attempt timeout; other statuses (400, 401, 403, 404, ...) are the caller's mistake and fail at once.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        ClientResultException { Status: 0 or 408 or 429 or >= 500 } => true,
        ClientResultException => false,
        TimeoutRejectedException or HttpRequestException or IOException => true,
        _ => false,
    };

    /// <summary>
    /// How many retries a transient failure deserves: a host name that does not resolve none (it will not start
    /// resolving in a minute), a refused connection one (a server restarting), anything else <paramref name="maxRetries"/>.
    /// </summary>
    public static int RetryLimit(Exception exception, int maxRetries) => ConnectionFailure(exception) switch
    {
        SocketError.HostNotFound or SocketError.NoData => 0,
        SocketError.ConnectionRefused => Math.Min(1, maxRetries),
        _ => maxRetries,
    };

    /// <summary>The socket error behind a failed connection (refused, host not found), or null when it is something else.</summary>
    public static SocketError? ConnectionFailure(Exception exception)
    {
        for (var e = (Exception?)exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket) return socket.SocketErrorCode;
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }) return SocketError.HostNotFound;
        }
        return null;
    }

    /// <summary>
    /// The wait the server asked for: <c>retry-after-ms</c> (OpenAI, Azure) or <c>Retry-After</c> as seconds or
    /// an HTTP date; null when the failure carries none.
    /// </summary>
    public static TimeSpan? RetryAfter(Exception exception, DateTimeOffset now)
    {
        if (exception is not ClientResultException result || result.GetRawResponse() is not { } response) return null;
        var headers = response.Headers;
        if (headers.TryGetValue("retry-after-ms", out var milliseconds)
            && double.TryParse(milliseconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0)
            return TimeSpan.FromMilliseconds(ms);
        if (!headers.TryGetValue("Retry-After", out var value) || value is null) return null;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            return TimeSpan.FromSeconds(seconds);
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            return date > now ? date - now : TimeSpan.Zero;
        return null;
    }

    /// <summary>A short description for logs and errors, e.g. <c>HTTP 429</c> or <c>no answer within 00:02:00</c>.</summary>
    public static string Describe(Exception exception, TimeSpan timeout, SecretRedactor redactor) => exception switch
    {
        ClientResultException { Status: 0 } e => "no HTTP response: " + redactor.Redact(e.Message),
        ClientResultException e => $"HTTP {e.Status}: {redactor.Redact(OneLine(e.Message))}",
        TimeoutRejectedException => $"no answer within {timeout}",
        _ => $"{exception.GetType().Name}: {redactor.Redact(exception.Message)}",
    };

    // The SDK's message repeats the status and adds the server's error body on later lines.
    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
