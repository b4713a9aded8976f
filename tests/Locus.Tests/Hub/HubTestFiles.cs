using System.Text;

namespace Locus.Tests.Hub;

/// <summary>A temporary folder removed when disposed.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "locus-hub-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}

/// <summary>An HttpClient handler that fails the test if any request is attempted.</summary>
internal sealed class NoNetworkHandler : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new Xunit.Sdk.XunitException($"unexpected request {request.Method} {request.RequestUri}");
}

/// <summary>Small generated repositories in Hugging Face layout (a few KB, deterministic).</summary>
internal static class HubTestFiles
{
    public const string RepoId = "tiny-org/tiny-bert";

    public static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Deterministic pseudo-random bytes standing in for tensor data (the hub never parses weights).</summary>
    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>config.json, an 8 KB model.safetensors behind a CDN redirect, tokenizer.json and vocab.txt.</summary>
    public static FakeRepo AddSingleFileModel(FakeHubServer server, string repoId = RepoId)
    {
        var repo = server.AddRepo(repoId, new Dictionary<string, byte[]>
        {
            ["config.json"] = Text("{\"model_type\": \"bert\", \"hidden_size\": 8, \"num_hidden_layers\": 1}\n"),
            ["model.safetensors"] = Bytes(8192, seed: 1),
            ["tokenizer.json"] = Text("{\"version\": \"1.0\", \"model\": {\"type\": \"WordPiece\"}}\n"),
            ["vocab.txt"] = Text("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\nworld\n"),
            ["README.md"] = Text("# tiny\n"),
        });
        repo.Lfs.Add("model.safetensors");
        repo.Redirected.Add("model.safetensors");
        return repo;
    }

    /// <summary>config.json, an index and two LFS shards (one served directly, one through the CDN).</summary>
    public static FakeRepo AddShardedModel(FakeHubServer server, string repoId)
    {
        const string first = "model-00001-of-00002.safetensors", second = "model-00002-of-00002.safetensors";
        var index = $$$"""
            {"metadata": {"total_size": 6144},
             "weight_map": {"embeddings.weight": "{{{first}}}", "encoder.layer.0.weight": "{{{first}}}", "pooler.weight": "{{{second}}}"}}
            """;
        var repo = server.AddRepo(repoId, new Dictionary<string, byte[]>
        {
            ["config.json"] = Text("{\"model_type\": \"bert\"}\n"),
            ["model.safetensors.index.json"] = Text(index),
            [first] = Bytes(4096, seed: 2),
            [second] = Bytes(2048, seed: 3),
            ["vocab.txt"] = Text("[PAD]\n[UNK]\n"),
        });
        repo.Lfs.UnionWith([first, second]);
        repo.Redirected.Add(second);
        return repo;
    }
}
