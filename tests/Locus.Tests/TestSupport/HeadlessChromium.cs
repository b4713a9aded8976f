using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Locus.Tests.TestSupport;

/// <summary>A fact that is skipped, saying why, when no Chromium is installed (Debian: <c>apt-get install chromium</c>).</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    /// <summary>Skips the test when <see cref="HeadlessChromium.Executable"/> is null.</summary>
    public ChromiumFactAttribute()
    {
        if (HeadlessChromium.Executable is null)
            Skip = "Chromium is not installed (looked for $LOCUS_CHROMIUM, chromium, chromium-browser, google-chrome on PATH); .ci/run installs Debian's chromium package";
    }
}

/// <summary>
/// Headless Chromium driven through the DevTools protocol over a WebSocket: start it, open a page, evaluate script,
/// take screenshots. Started with the flags that keep it off the network (this machine's network is closed).
/// </summary>
public sealed partial class HeadlessChromium : IAsyncDisposable
{
    readonly Process process;
    readonly ClientWebSocket socket = new();
    readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode>> pending = new();
    readonly TempDir profile;
    readonly CancellationTokenSource stop = new();
    Task? receiver;
    int nextId;

    HeadlessChromium(Process process, TempDir profile)
    {
        this.process = process;
        this.profile = profile;
    }

    /// <summary>The Chromium executable, or null when none is installed.</summary>
    public static string? Executable { get; } = Find();

    static string? Find()
    {
        if (Environment.GetEnvironmentVariable("LOCUS_CHROMIUM") is { Length: > 0 } configured && File.Exists(configured)) return configured;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var name in new[] { "chromium", "chromium-browser", "google-chrome" })
            foreach (var folder in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
                if (File.Exists(Path.Combine(folder, name))) return Path.Combine(folder, name);
        return null;
    }

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex DevToolsLine();

    /// <summary>Starts Chromium and attaches to its first page.</summary>
    public static async Task<HeadlessChromium> StartAsync(int width = 1000, int height = 800)
    {
        var profile = new TempDir();
        var info = new ProcessStartInfo(Executable ?? throw new InvalidOperationException("no Chromium"))
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-extensions", "--hide-scrollbars", $"--window-size={width},{height}",
                     $"--user-data-dir={profile.Path}", "--remote-debugging-port=0", "about:blank" })
            info.ArgumentList.Add(arg);
        var process = Process.Start(info)!;
        var browser = new HeadlessChromium(process, profile);
        try
        {
            var endpoint = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null && DevToolsLine().Match(e.Data) is { Success: true } m) endpoint.TrySetResult(m.Groups[1].Value);
            };
            process.OutputDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            var browserUrl = new Uri(await endpoint.Task.WaitAsync(TimeSpan.FromSeconds(30)));

            using var http = new HttpClient { BaseAddress = new Uri($"http://{browserUrl.Authority}") };
            string? pageSocket = null;
            for (var attempt = 0; attempt < 50 && pageSocket is null; attempt++)
            {
                var targets = JsonNode.Parse(await http.GetStringAsync("/json/list"))!.AsArray();
                pageSocket = targets.FirstOrDefault(t => t!["type"]!.GetValue<string>() == "page")?["webSocketDebuggerUrl"]?.GetValue<string>();
                if (pageSocket is null) await Task.Delay(100);
            }
            await browser.socket.ConnectAsync(new Uri(pageSocket ?? throw new InvalidOperationException("Chromium opened no page")), CancellationToken.None);
            browser.receiver = browser.ReceiveAsync();
            await browser.SendAsync("Page.enable");
            await browser.SendAsync("Runtime.enable");
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends a DevTools command and returns its result.</summary>
    public async Task<JsonNode> SendAsync(string method, JsonObject? parameters = null)
    {
        var id = Interlocked.Increment(ref nextId);
        var done = new TaskCompletionSource<JsonNode>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[id] = done;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? [] };
        await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        return await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    async Task ReceiveAsync()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, stop.Token);
                if (result.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                var node = JsonNode.Parse(message.ToArray())!;
                message.SetLength(0);
                if (node["id"] is { } id && pending.TryRemove(id.GetValue<int>(), out var done))
                {
                    if (node["error"] is { } error) done.TrySetException(new InvalidOperationException($"DevTools: {error.ToJsonString()}"));
                    else done.TrySetResult(node["result"] ?? new JsonObject());
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException) { }
        foreach (var waiting in pending.Values) waiting.TrySetException(new InvalidOperationException("the DevTools connection closed"));
    }

    /// <summary>Opens <paramref name="url"/> and waits until the document has loaded.</summary>
    public async Task NavigateAsync(string url)
    {
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url });
        await WaitForAsync("document.readyState === 'complete' && location.href !== 'about:blank'");
    }

    /// <summary>Evaluates a script expression (awaiting promises) and returns its JSON value.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result["exceptionDetails"] is { } exception) throw new InvalidOperationException($"script failed: {exception.ToJsonString()}");
        return result["result"]?["value"];
    }

    /// <summary>Polls a boolean expression until it is true.</summary>
    public async Task WaitForAsync(string condition, double seconds = 15)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            if (await EvaluateAsync($"!!({condition})") is JsonValue v && v.GetValue<bool>()) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"waited {seconds} s for: {condition}");
    }

    /// <summary>Saves a PNG screenshot of the page.</summary>
    public async Task ScreenshotAsync(string path)
    {
        var shot = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" });
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(shot["data"]!.GetValue<string>()));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (socket.State == WebSocketState.Open) await SendAsync("Browser.close").WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or WebSocketException) { }
        stop.Cancel();
        if (receiver is not null) await receiver.ConfigureAwait(false);
        if (!process.WaitForExit(5000)) process.Kill(entireProcessTree: true);
        process.Dispose();
        socket.Dispose();
        stop.Dispose();
        profile.Dispose();
    }
}
