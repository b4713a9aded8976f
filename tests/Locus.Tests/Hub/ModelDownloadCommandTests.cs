using System.Text.Json;
using Locus.Cli;

namespace Locus.Tests.Hub;

/// <summary><c>locus model download</c> against the fake hub.</summary>
public sealed class ModelDownloadCommandTests : IDisposable
{
    private readonly FakeHubServer _server = new();
    private readonly TempFolder _cache = new();

    public void Dispose()
    {
        _server.Dispose();
        _cache.Dispose();
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await LocusCli.RunAsync(["model", "download", .. args, "--cache-dir", _cache.Path, "--endpoint", _server.Url], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task PrintsTheSnapshotFolderAndProgressLines()
    {
        var repo = HubTestFiles.AddSingleFileModel(_server);

        var (exit, output, error) = await RunAsync(HubTestFiles.RepoId);

        Assert.Equal(0, exit);
        var folder = Path.Combine(_cache.Path, "models--tiny-org--tiny-bert", "snapshots", repo.Commit);
        Assert.Equal(folder + Environment.NewLine, output);
        Assert.Contains("download model.safetensors: 0 B / 8.2 kB", error);
        Assert.Contains("download model.safetensors: 8.2 kB / 8.2 kB", error);
        Assert.True(File.Exists(Path.Combine(folder, "model.safetensors")));
    }

    [Fact]
    public async Task JsonOutputDescribesTheDownload()
    {
        var repo = HubTestFiles.AddSingleFileModel(_server);

        var (exit, output, _) = await RunAsync(HubTestFiles.RepoId, "--revision", repo.Commit, "--json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(HubTestFiles.RepoId, root.GetProperty("repo").GetString());
        Assert.Equal(repo.Commit, root.GetProperty("revision").GetString());
        Assert.Equal(repo.Commit, root.GetProperty("commit").GetString());
        Assert.Equal("hub", root.GetProperty("source").GetString());
        Assert.Equal(["config.json", "model.safetensors", "tokenizer.json", "vocab.txt"], root.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        Assert.True(Directory.Exists(root.GetProperty("folder").GetString()));

        var (_, again, _) = await RunAsync(HubTestFiles.RepoId, "--revision", repo.Commit, "--json");
        Assert.Equal("cache", JsonDocument.Parse(again).RootElement.GetProperty("source").GetString());
    }

    [Fact]
    public async Task AnUnknownModelExitsWithOneAndAMessage()
    {
        var (exit, output, error) = await RunAsync("tiny-org/absent");

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.StartsWith("error: The model 'tiny-org/absent' was not found", error);
    }

    [Fact]
    public async Task AMalformedIdExitsWithOne()
    {
        var (exit, _, error) = await RunAsync("not a/valid/id");

        Assert.Equal(1, exit);
        Assert.Contains("is not a Hugging Face model id", error);
    }
}
