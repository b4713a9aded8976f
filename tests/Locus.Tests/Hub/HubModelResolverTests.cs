using Locus.Models.Hub;

namespace Locus.Tests.Hub;

/// <summary>Downloads from an in-process fake hub into a temporary Hugging Face cache.</summary>
public sealed class HubModelResolverTests : IDisposable
{
    private readonly FakeHubServer _server = new();
    private readonly TempFolder _cache = new();
    private readonly HttpClient _http = HubModelResolver.CreateHttpClient();

    public void Dispose()
    {
        _http.Dispose();
        _server.Dispose();
        _cache.Dispose();
    }

    private HubOptions Options(bool offline = false, string? token = null) => new()
    {
        Endpoint = _server.Url,
        CacheDirectory = _cache.Path,
        Offline = offline,
        Token = token,
        Timeout = TimeSpan.FromSeconds(5),
    };

    private Task<ResolvedModel> ResolveAsync(string model, HubOptions? options = null, IProgress<HubDownloadProgress>? progress = null) =>
        new HubModelResolver(_http, options ?? Options()).ResolveAsync(model, progress);

    private string RepoFolder(string repoId = HubTestFiles.RepoId) =>
        Path.Combine(_cache.Path, "models--" + repoId.Replace("/", "--"));

    [Fact]
    public async Task FreshDownloadBuildsTheHuggingFaceCacheLayout()
    {
        var repo = HubTestFiles.AddSingleFileModel(_server);

        var model = await ResolveAsync(HubTestFiles.RepoId);

        var root = RepoFolder();
        var snapshot = Path.Combine(root, "snapshots", repo.Commit);
        Assert.Equal(snapshot, model.Folder);
        Assert.Equal(ModelSource.Hub, model.Source);
        Assert.Equal(repo.Commit, model.Commit);
        Assert.Equal(["config.json", "model.safetensors", "tokenizer.json", "vocab.txt"], model.Files);
        Assert.Equal(repo.Commit, File.ReadAllText(Path.Combine(root, "refs", "main")));

        // Blobs are named by etag: sha256 for the LFS weights, git sha1 for files kept in git.
        string[] etags =
        [
            FakeHubServer.GitSha1(repo.Files["config.json"]), FakeHubServer.Sha256(repo.Files["model.safetensors"]),
            FakeHubServer.GitSha1(repo.Files["tokenizer.json"]), FakeHubServer.GitSha1(repo.Files["vocab.txt"]),
        ];
        Assert.Equal(etags.Order(), Directory.GetFiles(Path.Combine(root, "blobs")).Select(Path.GetFileName).Order());
        for (var i = 0; i < model.Files.Count; i++)
        {
            var entry = new FileInfo(Path.Combine(snapshot, model.Files[i]));
            Assert.Equal($"../../blobs/{etags[i]}", entry.LinkTarget);
            Assert.Equal(repo.Files[model.Files[i]], File.ReadAllBytes(entry.FullName));
        }
        Assert.Equal(model.Files.Order(), Directory.GetFileSystemEntries(snapshot).Select(Path.GetFileName).Order());

        // Optional files the repository lacks are remembered, as huggingface_hub does.
        string[] absent = ["added_tokens.json", "special_tokens_map.json", "spm.model", "tokenizer_config.json"];
        Assert.Equal(absent, Directory.GetFiles(Path.Combine(root, ".no_exist", repo.Commit)).Select(Path.GetFileName).Order());

        Assert.Equal(repo.Files.Where(f => model.Files.Contains(f.Key)).Sum(f => (long)f.Value.Length), model.BytesDownloaded);
        Assert.Contains(_server.Requests, r => r.Method == "HEAD" && r.Path.EndsWith("/model.safetensors") && r.Status == 302);
        Assert.Contains(_server.Requests, r => r.Method == "GET" && r.Path == "/cdn/" + etags[1] && r.BodyBytes == 8192);
        Assert.DoesNotContain(_server.Requests, r => r.Path.EndsWith("README.md"));
    }

    [Fact]
    public async Task SecondResolveUsesTheCacheWithoutRequests()
    {
        var repo = HubTestFiles.AddSingleFileModel(_server);
        var first = await ResolveAsync(HubTestFiles.RepoId);
        var served = _server.Requests.Count;

        var second = await new HubModelResolver(new HttpClient(new NoNetworkHandler()), Options()).ResolveAsync(HubTestFiles.RepoId);

        Assert.Equal(served, _server.Requests.Count);
        Assert.Equal(ModelSource.Cache, second.Source);
        Assert.Equal(first.Folder, second.Folder);
        Assert.Equal(first.Files, second.Files);
        Assert.Equal(repo.Commit, second.Commit);
    }

    [Fact]
    public async Task RefreshAsksTheHubAgainButDownloadsNothingUnchanged()
    {
        HubTestFiles.AddSingleFileModel(_server);
        await ResolveAsync(HubTestFiles.RepoId);
        var served = _server.Requests.Count;

        var options = Options();
        options.RefreshRevision = true;
        var again = await ResolveAsync(HubTestFiles.RepoId, options);

        var newRequests = _server.Requests.Skip(served).ToList();
        Assert.Equal(ModelSource.Hub, again.Source);
        Assert.Equal(0, again.BytesDownloaded);
        var request = Assert.Single(newRequests); // config.json pins the commit; the rest is in that snapshot
        Assert.Equal("HEAD", request.Method);
    }

    [Fact]
    public async Task OfflineModeResolvesFromTheCache()
    {
        var repo = HubTestFiles.AddSingleFileModel(_server);
        var online = await ResolveAsync(HubTestFiles.RepoId);

        var offline = await new HubModelResolver(new HttpClient(new NoNetworkHandler()), Options(offline: true)).ResolveAsync(HubTestFiles.RepoId);

        Assert.Equal(ModelSource.Cache, offline.Source);
        Assert.Equal(online.Folder, offline.Folder);
        Assert.Equal(online.Files, offline.Files);
        Assert.Equal(repo.Files["model.safetensors"], File.ReadAllBytes(Path.Combine(offline.Folder, "model.safetensors")));
    }

    [Fact]
    public async Task OfflineModeWithAnEmptyCacheFailsWithAdvice()
    {
        var resolver = new HubModelResolver(new HttpClient(new NoNetworkHandler()), Options(offline: true));

        var error = await Assert.ThrowsAsync<HubUnreachableException>(() => resolver.ResolveAsync(HubTestFiles.RepoId));

        Assert.Contains("HF_HUB_OFFLINE is set", error.Message);
        Assert.Contains(HubTestFiles.RepoId, error.Message);
        Assert.Contains("--model /path/to/folder", error.Message);
        Assert.Contains(_cache.Path, error.Message);
    }

    [Fact]
    public async Task OfflineModeFailsClearlyWhenTheCachedSnapshotLacksTheWeights()
    {
        var repo = HubTestFiles.AddSingleFileModel(_server);
        await ResolveAsync(HubTestFiles.RepoId);
        File.Delete(Path.Combine(RepoFolder(), "snapshots", repo.Commit, "model.safetensors"));

        var resolver = new HubModelResolver(new HttpClient(new NoNetworkHandler()), Options(offline: true));
        var error = await Assert.ThrowsAsync<HubUnreachableException>(() => resolver.ResolveAsync(HubTestFiles.RepoId));

        Assert.Contains("has no model.safetensors or model.safetensors.index.json", error.Message);
    }

    [Fact]
    public async Task AnUnreachableHubFailsWithAdviceOnWorkingOffline()
    {
        var options = Options();
        options.Endpoint = "http://127.0.0.1:1"; // nothing listens on port 1
        var error = await Assert.ThrowsAsync<HubUnreachableException>(() => ResolveAsync(HubTestFiles.RepoId, options));

        Assert.Contains("Could not reach the Hugging Face hub at http://127.0.0.1:1", error.Message);
        Assert.Contains("--model /path/to/folder", error.Message);
        Assert.Contains("HF_HUB_OFFLINE=1", error.Message);
    }

    [Fact]
    public async Task APartialDownloadIsResumedWithARangeRequest()
    {
        var repo = HubTestFiles.AddSingleFileModel(_server);
        var weights = repo.Files["model.safetensors"];
        var sha = FakeHubServer.Sha256(weights);
        var blobs = Directory.CreateDirectory(Path.Combine(RepoFolder(), "blobs")).FullName;
        File.WriteAllBytes(Path.Combine(blobs, sha + ".incomplete"), weights[..3000]);

        var model = await ResolveAsync(HubTestFiles.RepoId);

        var get = Assert.Single(_server.Requests, r => r.Method == "GET" && r.Path == "/cdn/" + sha);
        Assert.Equal("bytes=3000-", get.Range);
        Assert.Equal(206, get.Status);
        Assert.Equal(8192 - 3000, get.BodyBytes);
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(model.Folder, "model.safetensors")));
        Assert.False(File.Exists(Path.Combine(blobs, sha + ".incomplete")));
    }

    [Fact]
    public async Task AServerIgnoringTheRangeRestartsTheFileFromTheFirstByte()
    {
        var repo = HubTestFiles.AddSingleFileModel(_server);
        _server.IgnoreRange = true;
        var weights = repo.Files["model.safetensors"];
        var sha = FakeHubServer.Sha256(weights);
        var blobs = Directory.CreateDirectory(Path.Combine(RepoFolder(), "blobs")).FullName;
        File.WriteAllBytes(Path.Combine(blobs, sha + ".incomplete"), new byte[3000]); // not a prefix of the content

        var model = await ResolveAsync(HubTestFiles.RepoId);

        var get = Assert.Single(_server.Requests, r => r.Method == "GET" && r.Path == "/cdn/" + sha);
        Assert.Equal(("bytes=3000-", 200, 8192L), (get.Range, get.Status, get.BodyBytes));
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(model.Folder, "model.safetensors")));
    }

    [Fact]
    public async Task ACorruptedDownloadIsAnErrorAndLeavesNoFile()
    {
        var repo = HubTestFiles.AddSingleFileModel(_server);
        var weights = repo.Files["model.safetensors"];
        var corrupted = (byte[])weights.Clone();
        corrupted[100] ^= 0xFF;
        repo.Corrupted["model.safetensors"] = corrupted;

        var error = await Assert.ThrowsAsync<LocusException>(() => ResolveAsync(HubTestFiles.RepoId));

        var sha = FakeHubServer.Sha256(weights);
        Assert.Contains("model.safetensors is corrupted", error.Message);
        Assert.Contains($"its sha256 is {FakeHubServer.Sha256(corrupted)} but the hub says {sha}", error.Message);
        Assert.False(File.Exists(Path.Combine(RepoFolder(), "snapshots", repo.Commit, "model.safetensors")));
        Assert.Empty(Directory.GetFiles(Path.Combine(RepoFolder(), "blobs"), sha + "*"));

        // Once the hub serves the right bytes a new run succeeds.
        repo.Corrupted.Clear();
        var model = await ResolveAsync(HubTestFiles.RepoId);
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(model.Folder, "model.safetensors")));
    }

    [Fact]
    public async Task ACorruptedGitFileFailsItsGitSha1Check()
    {
        var repo = HubTestFiles.AddSingleFileModel(_server);
        repo.Corrupted["config.json"] = HubTestFiles.Text(new string('x', repo.Files["config.json"].Length));

        var error = await Assert.ThrowsAsync<LocusException>(() => ResolveAsync(HubTestFiles.RepoId));

        Assert.Contains("config.json is corrupted: its git-sha1 is", error.Message);
        Assert.False(Directory.Exists(Path.Combine(RepoFolder(), "snapshots")));
    }

    [Fact]
    public async Task TheTokenIsSentAsABearerHeader()
    {
        HubTestFiles.AddSingleFileModel(_server);
        _server.RequiredToken = "hf_test_secret";

        var model = await ResolveAsync(HubTestFiles.RepoId, Options(token: "hf_test_secret"));

        Assert.Equal(ModelSource.Hub, model.Source);
        Assert.All(_server.Requests.Where(r => !r.Path.StartsWith("/cdn/")), r => Assert.Equal("Bearer hf_test_secret", r.Authorization));
    }

    [Fact]
    public async Task AMissingOrWrongTokenIsRefusedWithoutShowingTheToken()
    {
        HubTestFiles.AddSingleFileModel(_server);
        _server.RequiredToken = "hf_test_secret";

        var missing = await Assert.ThrowsAsync<LocusException>(() => ResolveAsync(HubTestFiles.RepoId));
        var wrong = await Assert.ThrowsAsync<LocusException>(() => ResolveAsync(HubTestFiles.RepoId, Options(token: "hf_wrong_token")));

        Assert.Contains("refused access to 'tiny-org/tiny-bert' (HTTP 401): if it is private or gated, set HF_TOKEN", missing.Message);
        Assert.Contains("the token in HF_TOKEN", wrong.Message);
        Assert.DoesNotContain("hf_wrong_token", wrong.ToString());
    }

    [Fact]
    public async Task AShardedCheckpointFetchesEveryShard()
    {
        var repo = HubTestFiles.AddShardedModel(_server, "tiny-org/sharded");

        var model = await ResolveAsync("tiny-org/sharded");

        string[] expected = ["config.json", "model.safetensors.index.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "vocab.txt"];
        Assert.Equal(expected, model.Files);
        foreach (var name in expected)
            Assert.Equal(repo.Files[name], File.ReadAllBytes(Path.Combine(model.Folder, name)));
        Assert.True(File.Exists(Path.Combine(RepoFolder("tiny-org/sharded"), ".no_exist", repo.Commit, "model.safetensors")));
        // Each shard is fetched once although the index names the first shard twice.
        Assert.Single(_server.Requests, r => r.Method == "GET" && r.Path.EndsWith("/model-00001-of-00002.safetensors"));

        var cached = await new HubModelResolver(new HttpClient(new NoNetworkHandler()), Options()).ResolveAsync("tiny-org/sharded");
        Assert.Equal(expected, cached.Files);
    }

    [Fact]
    public async Task ARepositoryWithoutSafetensorsWeightsIsAnError()
    {
        _server.AddRepo("tiny-org/no-weights", new Dictionary<string, byte[]> { ["config.json"] = HubTestFiles.Text("{}") });

        var error = await Assert.ThrowsAsync<LocusException>(() => ResolveAsync("tiny-org/no-weights"));

        Assert.Contains("has no model.safetensors or model.safetensors.index.json", error.Message);
    }

    [Fact]
    public async Task AnUnknownRepositoryOrRevisionIsAnError()
    {
        HubTestFiles.AddSingleFileModel(_server);

        var repoError = await Assert.ThrowsAsync<LocusException>(() => ResolveAsync("tiny-org/absent"));
        var revisionError = await Assert.ThrowsAsync<LocusException>(() => ResolveAsync(HubTestFiles.RepoId + "@v9"));

        Assert.Contains("The model 'tiny-org/absent' was not found", repoError.Message);
        Assert.Contains("The revision 'v9' of 'tiny-org/tiny-bert' was not found", revisionError.Message);
    }

    [Fact]
    public async Task ACommitRevisionIsUsedAsIsAndWritesNoRef()
    {
        var repo = HubTestFiles.AddSingleFileModel(_server);

        var model = await ResolveAsync($"{HubTestFiles.RepoId}@{repo.Commit}");

        Assert.Equal(repo.Commit, model.Commit);
        Assert.False(Directory.Exists(Path.Combine(RepoFolder(), "refs")));
        Assert.All(_server.Requests.Where(r => !r.Path.StartsWith("/cdn/")), r => Assert.Contains($"/resolve/{repo.Commit}/", r.Path));
    }

    [Fact]
    public async Task ProgressReportsEachDownloadedFileUpToItsSize()
    {
        HubTestFiles.AddSingleFileModel(_server);
        var reports = new List<HubDownloadProgress>();

        await ResolveAsync(HubTestFiles.RepoId, progress: new SynchronousProgress(reports.Add));

        var weights = reports.Where(r => r.FileName == "model.safetensors").ToList();
        Assert.Equal(new HubDownloadProgress("model.safetensors", 0, 8192), weights[0]);
        Assert.Equal(new HubDownloadProgress("model.safetensors", 8192, 8192), weights[^1]);
        Assert.True(weights[^1].IsComplete);
        Assert.Equal(["config.json", "model.safetensors", "tokenizer.json", "vocab.txt"], reports.Select(r => r.FileName).Distinct());
    }

    [Fact]
    public async Task CancellationIsNotReportedAsANetworkProblem()
    {
        HubTestFiles.AddSingleFileModel(_server);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var resolver = new HubModelResolver(_http, Options());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => resolver.ResolveAsync(HubTestFiles.RepoId, null, cancelled.Token));
    }

    private sealed class SynchronousProgress(Action<HubDownloadProgress> report) : IProgress<HubDownloadProgress>
    {
        public void Report(HubDownloadProgress value) => report(value);
    }
}
