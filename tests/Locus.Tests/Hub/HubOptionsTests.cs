using Locus.Models.Hub;

namespace Locus.Tests.Hub;

public sealed class HubOptionsTests
{
    private static HubOptions From(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return HubOptions.FromEnvironment(name => map.GetValueOrDefault(name));
    }

    [Fact]
    public void HfHomeGivesTheHubCacheBelowIt()
    {
        var options = From(("HF_HOME", "/data/hf"), ("HF_TOKEN_PATH", "/nonexistent/token"));

        Assert.Equal(Path.Combine("/data/hf", "hub"), options.CacheDirectory);
        Assert.Equal("https://huggingface.co", options.Endpoint);
        Assert.Null(options.Token);
        Assert.False(options.Offline);
    }

    [Fact]
    public void HfHubCacheWinsOverHfHome()
    {
        Assert.Equal("/fast/cache", From(("HF_HOME", "/data/hf"), ("HF_HUB_CACHE", "/fast/cache")).CacheDirectory);
    }

    [Fact]
    public void WithoutVariablesTheCacheIsUnderTheUsersHome()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.Equal(Path.Combine(home, ".cache", "huggingface", "hub"), From().CacheDirectory);
        Assert.Equal("/xdg/huggingface/hub", From(("XDG_CACHE_HOME", "/xdg")).CacheDirectory);
    }

    [Fact]
    public void EndpointTokenAndOfflineComeFromTheirVariables()
    {
        var options = From(("HF_ENDPOINT", "https://hf-mirror.example/"), ("HF_TOKEN", "hf_abc"), ("HF_HUB_OFFLINE", "1"));

        Assert.Equal("https://hf-mirror.example", options.Endpoint);
        Assert.Equal("hf_abc", options.Token);
        Assert.True(options.Offline);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData("YES", true)]
    [InlineData("on", true)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    [InlineData("", false)]
    public void OfflineAcceptsHuggingfaceHubBooleanSpellings(string value, bool offline)
    {
        Assert.Equal(offline, From(("HF_HUB_OFFLINE", value)).Offline);
    }

    [Fact]
    public void TheSavedLoginTokenIsUsedWhenHfTokenIsUnset()
    {
        using var home = new TempFolder();
        File.WriteAllText(Path.Combine(home.Path, "token"), "hf_saved\n");

        Assert.Equal("hf_saved", From(("HF_HOME", home.Path)).Token);
        Assert.Equal("hf_env", From(("HF_HOME", home.Path), ("HF_TOKEN", "hf_env")).Token);
    }
}
