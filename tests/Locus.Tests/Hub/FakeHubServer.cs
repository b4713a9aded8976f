using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Locus.Tests.Hub;

/// <summary>A request the fake hub answered.</summary>
internal sealed record ServedRequest(string Method, string Path, string? Range, string? Authorization, int Status, long BodyBytes);

/// <summary>A repository the fake hub serves.</summary>
internal sealed class FakeRepo(string commit, Dictionary<string, byte[]> files)
{
    /// <summary>The commit sha every revision of this repository resolves to.</summary>
    public string Commit { get; } = commit;

    /// <summary>File contents by repository path.</summary>
    public Dictionary<string, byte[]> Files { get; } = files;

    /// <summary>Files stored with LFS: their etag is the sha256 and the hub sends X-Linked-* headers.</summary>
    public HashSet<string> Lfs { get; } = [];

    /// <summary>LFS files the hub answers with a 302 to its CDN, as huggingface.co does for large files.</summary>
    public HashSet<string> Redirected { get; } = [];

    /// <summary>Bodies sent instead of the real content (same length) while the headers describe the real one.</summary>
    public Dictionary<string, byte[]> Corrupted { get; } = [];
}

/// <summary>
/// An in-process stand-in for huggingface.co on 127.0.0.1: serves repositories in the hub's URL layout
/// (<c>/{org}/{name}/resolve/{revision}/{file}</c>) with its headers (X-Repo-Commit, ETag, X-Linked-Etag,
/// X-Linked-Size, X-Error-Code), Range requests, a CDN behind 302 redirects and an optional required token,
/// and records every request.
/// </summary>
internal sealed class FakeHubServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, FakeRepo> _repos = new();
    private readonly Task _loop;

    public FakeHubServer()
    {
        // Take a free port from the OS, then listen on it; retry if another process grabs it in between.
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add(Url + "/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>The base address, usable as HF_ENDPOINT.</summary>
    public string Url { get; }

    /// <summary>When set, hub requests without <c>Authorization: Bearer {token}</c> get a 401.</summary>
    public string? RequiredToken { get; set; }

    /// <summary>When true, Range headers are ignored and whole files sent with 200, as some servers do.</summary>
    public bool IgnoreRange { get; set; }

    /// <summary>Every request answered, in order.</summary>
    public ConcurrentQueue<ServedRequest> Requests { get; } = new();

    /// <summary>Serves <paramref name="files"/> as repository <paramref name="repoId"/> at a commit derived from the id.</summary>
    public FakeRepo AddRepo(string repoId, Dictionary<string, byte[]> files)
    {
        var commit = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes("commit of " + repoId)));
        var repo = new FakeRepo(commit, files);
        _repos[repoId] = repo;
        return repo;
    }

    /// <summary>The sha256 of the content, which the hub uses as the etag of LFS files.</summary>
    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>The git blob sha1 (sha1 of "blob {length}\0" and the content), the etag of files kept in git.</summary>
    public static string GitSha1(byte[] content) =>
        Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {content.Length}\0"), .. content]));

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => Answer(context));
        }
    }

    private void Answer(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        long body = 0;
        try
        {
            body = Route(request, response);
        }
        catch (Exception e) when (e is HttpListenerException or IOException)
        {
            // The client went away mid-answer; nothing to do.
        }
        finally
        {
            Requests.Enqueue(new ServedRequest(request.HttpMethod, request.Url!.AbsolutePath, request.Headers["Range"],
                request.Headers["Authorization"], response.StatusCode, body));
            try { response.Close(); } catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException) { }
        }
    }

    private long Route(HttpListenerRequest request, HttpListenerResponse response)
    {
        var parts = request.Url!.AbsolutePath.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        if (parts is ["cdn", var cdnSha])
        {
            var (repo, file) = FindLfsContent(cdnSha);
            if (repo is null) return Status(response, 404, null);
            return SendBody(request, response, repo.Corrupted.GetValueOrDefault(file!) ?? repo.Files[file!]);
        }
        if (parts.Length < 5 || parts[2] != "resolve") return Status(response, 404, null);

        if (RequiredToken is not null && request.Headers["Authorization"] != "Bearer " + RequiredToken)
            return Status(response, 401, null);
        if (!_repos.TryGetValue(parts[0] + "/" + parts[1], out var found)) return Status(response, 404, "RepoNotFound");
        var revision = parts[3];
        if (revision != "main" && revision != found.Commit) return Status(response, 404, "RevisionNotFound");

        var name = string.Join('/', parts[4..]);
        response.Headers["X-Repo-Commit"] = found.Commit;
        if (!found.Files.TryGetValue(name, out var content)) return Status(response, 404, "EntryNotFound");

        if (found.Lfs.Contains(name))
        {
            var sha = Sha256(content);
            response.Headers["ETag"] = $"\"{sha}\"";
            response.Headers["X-Linked-Etag"] = $"\"{sha}\"";
            response.Headers["X-Linked-Size"] = content.Length.ToString();
            if (found.Redirected.Contains(name))
            {
                response.Headers["Location"] = $"{Url}/cdn/{sha}";
                return Status(response, 302, null);
            }
        }
        else
        {
            response.Headers["ETag"] = $"\"{GitSha1(content)}\"";
        }
        return SendBody(request, response, found.Corrupted.GetValueOrDefault(name) ?? content);
    }

    private (FakeRepo? Repo, string? File) FindLfsContent(string sha)
    {
        foreach (var repo in _repos.Values)
            foreach (var file in repo.Lfs)
                if (Sha256(repo.Files[file]) == sha) return (repo, file);
        return (null, null);
    }

    private static long Status(HttpListenerResponse response, int status, string? errorCode)
    {
        response.StatusCode = status;
        if (errorCode is not null) response.Headers["X-Error-Code"] = errorCode;
        response.ContentLength64 = 0;
        return 0;
    }

    // Honours "Range: bytes=N-" the way the hub and its CDN do: 206 with Content-Range, 416 past the end.
    private long SendBody(HttpListenerRequest request, HttpListenerResponse response, byte[] content)
    {
        var start = 0;
        if (request.Headers["Range"] is { } range && !IgnoreRange)
        {
            start = int.Parse(range["bytes=".Length..].TrimEnd('-'));
            if (start >= content.Length)
            {
                response.Headers["Content-Range"] = $"bytes */{content.Length}";
                return Status(response, 416, null);
            }
            response.StatusCode = 206;
            response.Headers["Content-Range"] = $"bytes {start}-{content.Length - 1}/{content.Length}";
        }
        response.ContentLength64 = content.Length - start;
        if (request.HttpMethod == "HEAD") return 0;
        response.OutputStream.Write(content, start, content.Length - start);
        return content.Length - start;
    }
}
