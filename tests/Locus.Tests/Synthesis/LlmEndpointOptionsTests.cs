using System.Text.Json;
using Locus.Synthesis;

namespace Locus.Tests.Synthesis;

public sealed class LlmEndpointOptionsTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void LocusVariablesWinOverOpenAiOnes()
    {
        var options = LlmEndpointOptions.FromEnvironment(Env(
            ("LOCUS_LLM_ENDPOINT", "http://localhost:11434/v1"), ("OPENAI_BASE_URL", "http://other:1/v1"),
            ("LOCUS_LLM_MODEL", "llama3.1"), ("LOCUS_LLM_API_KEY", "locus-key"), ("OPENAI_API_KEY", "openai-key"),
            ("LOCUS_LLM_TEMPERATURE", "0.25"), ("LOCUS_LLM_MAX_CONCURRENCY", "16"), ("LOCUS_LLM_TIMEOUT_SECONDS", "30"),
            ("LOCUS_LLM_MAX_RETRIES", "2"), ("LOCUS_LLM_CACHE", "/tmp/llm-cache"),
            ("LOCUS_LLM_PROMPT_PRICE_PER_1K", "0.15"), ("LOCUS_LLM_COMPLETION_PRICE_PER_1K", "0.6"), ("LOCUS_LLM_JSON_MODE", "json_object")));

        Assert.Equal(new Uri("http://localhost:11434/v1"), options.Endpoint);
        Assert.Equal("llama3.1", options.Model);
        Assert.Equal("locus-key", options.ApiKey);
        Assert.Equal(0.25f, options.Temperature);
        Assert.Equal(16, options.MaxConcurrency);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
        Assert.Equal(2, options.MaxRetries);
        Assert.Equal("/tmp/llm-cache", options.CacheFolder);
        Assert.Equal(0.15m, options.PromptPricePer1KTokens);
        Assert.Equal(0.6m, options.CompletionPricePer1KTokens);
        Assert.Equal(JsonOutputMode.JsonObject, options.JsonMode);
        Assert.True(options.IsConfigured);
    }

    [Fact]
    public void FallsBackToOpenAiVariablesAndEndpoint()
    {
        var keyOnly = LlmEndpointOptions.FromEnvironment(Env(("OPENAI_API_KEY", "openai-key"), ("LOCUS_LLM_MODEL", "gpt-4o-mini")));
        Assert.Equal(LlmEndpointOptions.OpenAiEndpoint, keyOnly.Endpoint);
        Assert.Equal("openai-key", keyOnly.ApiKey);

        var baseUrl = LlmEndpointOptions.FromEnvironment(Env(("OPENAI_BASE_URL", "http://vllm:8000/v1"), ("LOCUS_LLM_MODEL", "qwen")));
        Assert.Equal(new Uri("http://vllm:8000/v1"), baseUrl.Endpoint);
        Assert.Null(baseUrl.ApiKey);
    }

    [Fact]
    public void NothingSetMeansNotConfigured()
    {
        var options = LlmEndpointOptions.FromEnvironment(Env());
        Assert.False(options.IsConfigured);
        Assert.Null(options.Endpoint);
    }

    [Theory]
    [InlineData("LOCUS_LLM_TEMPERATURE", "warm")]
    [InlineData("LOCUS_LLM_ENDPOINT", "not a url")]
    [InlineData("LOCUS_LLM_ENDPOINT", "ftp://host/v1")]
    [InlineData("LOCUS_LLM_MAX_CONCURRENCY", "many")]
    [InlineData("LOCUS_LLM_JSON_MODE", "xml")]
    public void BadValuesNameTheVariable(string name, string value)
    {
        var error = Assert.Throws<LocusException>(() => LlmEndpointOptions.FromEnvironment(Env((name, value), ("LOCUS_LLM_MODEL", "m"))));
        Assert.Contains(name, error.Message);
    }

    [Fact]
    public void AnEndpointWithoutModelIsAnError()
    {
        var error = Assert.Throws<LocusException>(() => LlmEndpointOptions.FromEnvironment(Env(("LOCUS_LLM_ENDPOINT", "http://localhost:8080/v1"))));
        Assert.Contains("LOCUS_LLM_MODEL", error.Message);
    }

    [Fact]
    public void RecordsAndToStringNeverShowTheKeyOrUrlCredentials()
    {
        var options = new LlmEndpointOptions
        {
            Endpoint = new Uri("https://user:pass@example.openai.azure.com/openai/v1?api-key=query-secret"),
            Model = "gpt-4o",
            ApiKey = SynthesisFixtures.ApiKey,
        };
        var record = options.ToRecord();
        var texts = new[] { options.ToString(), record.ToString(), JsonSerializer.Serialize(record) };

        Assert.True(record.ApiKeyConfigured);
        Assert.Equal("https://example.openai.azure.com/openai/v1", record.Endpoint);
        foreach (var text in texts)
        {
            Assert.DoesNotContain(SynthesisFixtures.ApiKey, text);
            Assert.DoesNotContain("pass", text);
            Assert.DoesNotContain("query-secret", text);
            Assert.Contains("gpt-4o", text);
        }
    }
}
