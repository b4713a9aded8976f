using Locus.Models.Hub;

namespace Locus.Tests.Hub;

/// <summary>A --model value that is a folder is used as it is, after checking it holds a model.</summary>
public sealed class LocalModelFolderTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly HubModelResolver _resolver = new(new HttpClient(new NoNetworkHandler()), new HubOptions());

    public void Dispose() => _folder.Dispose();

    private void Write(string name, string text = "{}") => File.WriteAllText(Path.Combine(_folder.Path, name), text);

    [Fact]
    public async Task AFolderWithConfigAndWeightsIsUsedAsIs()
    {
        Write("config.json");
        Write("model.safetensors", "weights");
        Write("vocab.txt", "[PAD]\n");
        Write("notes.md", "not a model file");

        var model = await _resolver.ResolveAsync(_folder.Path);

        Assert.Equal(ModelSource.LocalFolder, model.Source);
        Assert.Equal(_folder.Path, model.Folder);
        Assert.Equal(["config.json", "model.safetensors", "vocab.txt"], model.Files);
        Assert.Null(model.Id);
    }

    [Fact]
    public async Task AShardedFolderNeedsEveryShardItsIndexNames()
    {
        Write("config.json");
        Write("model.safetensors.index.json", """{"weight_map": {"a": "model-1.safetensors", "b": "model-2.safetensors"}}""");
        Write("model-1.safetensors", "x");

        var error = await Assert.ThrowsAsync<LocusException>(() => _resolver.ResolveAsync(_folder.Path));

        Assert.Contains("has no model-2.safetensors", error.Message);
    }

    [Fact]
    public async Task AnIndexNamingAPathOutsideTheFolderIsRejected()
    {
        Write("config.json");
        Write("model.safetensors.index.json", """{"weight_map": {"a": "../../etc/passwd"}}""");

        var error = await Assert.ThrowsAsync<DataFormatException>(() => _resolver.ResolveAsync(_folder.Path));

        Assert.Equal("weight_map", error.Field);
        Assert.Contains("tensor 'a' names the shard '../../etc/passwd'", error.Message);
    }

    [Fact]
    public async Task AFolderWithoutWeightsNamesWhatIsMissing()
    {
        Write("config.json");

        var error = await Assert.ThrowsAsync<LocusException>(() => _resolver.ResolveAsync(_folder.Path));

        Assert.Contains("holds neither model.safetensors nor model.safetensors.index.json", error.Message);
    }

    [Fact]
    public async Task AMissingFolderPathIsNotMistakenForAHubId()
    {
        var error = await Assert.ThrowsAsync<LocusException>(() => _resolver.ResolveAsync("./models/absent"));

        Assert.Contains("The model folder './models/absent' does not exist", error.Message);
    }
}
