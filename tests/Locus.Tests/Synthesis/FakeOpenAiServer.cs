using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Locus.Tests.Synthesis;

/// <summary>A request as the fake server received it.</summary>
internal sealed record ReceivedRequest(string Method, string Path, string? Authorization, string Body)
{
    public JsonNode Json => JsonNode.Parse(Body)!;

    /// <summary>The text of every message, joined, for prompt assertions.</summary>
    public string PromptText => string.Join("\n", Json["messages"]!.AsArray().Select(m => MessageText(m!)));

    private static string MessageText(JsonNode message) => message["content"] switch
    {
        JsonValue value => value.GetValue<string>(),
        JsonArray parts => string.Concat(parts.Select(p => p!["text"]?.GetValue<string>())),
        _ => "",
    };
}

/// <summary>What the fake server answers: a status, a body, headers, and an optional delay before answering.</summary>
internal sealed record FakeReply(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null, TimeSpan Delay = default)
{
    /// <summary>A chat completion whose assistant message is <paramref name="content"/>, with usage fields.</summary>
    public static FakeReply Completion(string content, int promptTokens = 100, int completionTokens = 50) => new(200, new JsonObject
    {
        ["id"] = "chatcmpl-test",
        ["object"] = "chat.completion",
        ["created"] = 1_700_000_000,
        ["model"] = "fake-model",
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
            ["finish_reason"] = "stop",
        }),
        ["usage"] = new JsonObject { ["prompt_tokens"] = promptTokens, ["completion_tokens"] = completionTokens, ["total_tokens"] = promptTokens + completionTokens },
    }.ToJsonString());

    /// <summary>An OpenAI-style model list.</summary>
    public static FakeReply Models(params string[] ids) => new(200, new JsonObject
    {
        ["object"] = "list",
        ["data"] = new JsonArray(ids.Select(id => (JsonNode)new JsonObject { ["id"] = id, ["object"] = "model", ["owned_by"] = "test" }).ToArray()),
    }.ToJsonString());

    /// <summary>An OpenAI-style error body.</summary>
    public static FakeReply Error(int status, string message, IReadOnlyDictionary<string, string>? headers = null) => new(status, new JsonObject
    {
        ["error"] = new JsonObject { ["message"] = message, ["type"] = "test_error", ["code"] = status.ToString() },
    }.ToJsonString(), headers);
}

/// <summary>
/// An in-process OpenAI-compatible server on 127.0.0.1 and a free port: POST /v1/chat/completions answers with what
/// the responder returns for each call (numbered from 0); other routes answer 404. Records every request.
/// </summary>
internal sealed class FakeOpenAiServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<ReceivedRequest, int, FakeReply> _respond;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<ReceivedRequest> _requests = [];
    private readonly Task _loop;
    private int _chatCalls;
    private int _inFlight;

    private readonly Func<ReceivedRequest, FakeReply>? _models;

    /// <summary>
    /// A server whose chat completions answer what <paramref name="respond"/> says; GET /v1/models lists
    /// <c>fake-model</c> unless <paramref name="models"/> answers otherwise (null there: a server without the route).
    /// </summary>
    public FakeOpenAiServer(Func<ReceivedRequest, int, FakeReply> respond, Func<ReceivedRequest, FakeReply>? models = null, bool listModels = true)
    {
        _respond = respond;
        _models = models ?? (listModels ? _ => FakeReply.Models("fake-model") : null);
        var port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{port}/v1");
        _loop = Task.Run(AcceptAsync);
    }

    /// <summary>A server that answers the replies in turn and repeats the last one.</summary>
    public static FakeOpenAiServer Scripted(params FakeReply[] replies) => new((_, call) => replies[Math.Min(call, replies.Length - 1)]);

    public Uri Endpoint { get; }

    /// <summary>Chat-completion requests received, including those answered with an error.</summary>
    public int ChatCalls => Volatile.Read(ref _chatCalls);

    /// <summary>The most chat requests that were being handled at the same time.</summary>
    public int MaxInFlight { get; private set; }

    public IReadOnlyList<ReceivedRequest> Requests
    {
        get
        {
            lock (_requests) return _requests.ToList();
        }
    }

    public IReadOnlyList<ReceivedRequest> ChatRequests => Requests.Where(r => r.Path == "/v1/chat/completions").ToList();

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var request = new ReceivedRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, context.Request.Headers["Authorization"], await reader.ReadToEndAsync());
            lock (_requests) _requests.Add(request);

            FakeReply reply;
            if (request.Method == "POST" && request.Path == "/v1/chat/completions")
            {
                var call = Interlocked.Increment(ref _chatCalls) - 1;
                var inFlight = Interlocked.Increment(ref _inFlight);
                lock (_requests) MaxInFlight = Math.Max(MaxInFlight, inFlight);
                try
                {
                    reply = _respond(request, call);
                    if (reply.Delay > TimeSpan.Zero) await Task.Delay(reply.Delay, _stopping.Token);
                }
                finally
                {
                    Interlocked.Decrement(ref _inFlight);
                }
            }
            else if (request.Method == "GET" && request.Path == "/v1/models" && _models is not null) reply = _models(request);
            else reply = FakeReply.Error(404, $"no route {request.Method} {request.Path}");

            var bytes = Encoding.UTF8.GetBytes(reply.Body);
            context.Response.StatusCode = reply.Status;
            context.Response.ContentType = "application/json";
            foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>()) context.Response.Headers[name] = value;
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (Exception)
        {
            // The client gave up (a timeout test) or the server is stopping: nothing to answer.
            try { context.Response.Abort(); } catch (Exception) { }
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _stopping.Dispose();
    }
}
