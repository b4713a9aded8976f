using System.Net;
using System.Text.Json.Nodes;
using Locus.Serving.Models;
using Locus.Training.FineTuning;

namespace Locus.Tests.Serving;

/// <summary>Every endpoint of <c>locus serve</c> against a real Kestrel server on 127.0.0.1 with tiny trained models.</summary>
[Collection("Serving")]
public class ServerEndpointTests(ServingFixture fixture)
{
    [Fact]
    public async Task ModelsAreListedWithTaskLabelsKindAndRunMetrics()
    {
        await using var server = await fixture.StartAsync();
        using var client = ServingClient.For(server);
        var list = await (await client.GetAsync("/v1/models")).JsonAsync();
        var models = list["models"]!.AsArray().ToDictionary(m => m!["name"]!.GetValue<string>(), m => m!);
        Assert.Equal(["intents", "ner-a", "ner-b", "ner-merged"], models.Keys.Order(StringComparer.Ordinal));

        Assert.Equal("ner", models["ner-a"]["task"]!.GetValue<string>());
        Assert.Equal("adapter", models["ner-a"]["kind"]!.GetValue<string>());
        Assert.Equal(["PER", "ORG", "LOC"], models["ner-a"]["labels"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.Equal("ner-a/v1", models["ner-a"]["run"]!.GetValue<string>());
        Assert.Equal(0.5, models["ner-a"]["metrics"]!["test"]!["f1"]!.GetValue<double>());
        Assert.Equal("test.f1", models["ner-a"]["key_metric"]!["path"]!.GetValue<string>());
        Assert.Equal(0.5, models["ner-a"]["key_metric"]!["value"]!.GetValue<double>());
        Assert.Equal(["PER", "LOC"], models["ner-b"]["labels"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.Null(models["ner-b"]["run"]);
        Assert.Equal("classification", models["intents"]["task"]!.GetValue<string>());
        Assert.False(models["intents"]["multi_label"]!.GetValue<bool>());
        Assert.Equal("full", models["ner-merged"]["kind"]!.GetValue<string>());

        var one = await client.GetAsync("/v1/models/intents");
        Assert.Equal(["account", "card", "transfer"], (await one.JsonAsync())["labels"]!.AsArray().Select(l => l!.GetValue<string>()));
    }

    [Fact]
    public void AdaptersOfOneBaseShareOneLoadedBase()
    {
        var a = fixture.Catalog.Find("ner-a")!;
        var b = fixture.Catalog.Find("ner-b")!;
        Assert.Same(a.Backend, b.Backend);
        Assert.IsType<AdapterSetBackend>(a.Backend);
        Assert.IsType<FullModelBackend>(fixture.Catalog.Find("ner-merged")!.Backend);
        Assert.Equal(3, fixture.Catalog.Backends.Count); // NER adapters on one base, the classification adapter, the merged model
    }

    [Fact]
    public async Task SwitchingAdaptersGivesWhatEachModelPredictsOnItsOwn()
    {
        await using var server = await fixture.StartAsync();
        using var client = ServingClient.For(server);
        var texts = ServingFixture.Texts;
        var expected = new Dictionary<string, JsonNode>();
        foreach (var (name, folder) in fixture.Folders)
        {
            using var model = TrainedModel.Load(folder);
            expected[name] = ServingClient.Serialise(model.Predictor().Predict(texts));
        }
        Assert.NotEqual(expected["ner-a"].ToJsonString(), expected["ner-b"].ToJsonString()); // the adapters differ

        foreach (var name in new[] { "ner-a", "intents", "ner-b", "ner-merged", "ner-a", "ner-b" })
        {
            var response = await client.PredictAsync(name, new { texts });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.JsonAsync();
            Assert.Equal(name, body["model"]!.GetValue<string>());
            Assert.Equal(expected[name].ToJsonString(), body["predictions"]!.ToJsonString());
        }
    }

    [Fact]
    public async Task NerSpansAreCharacterOffsetsIntoTheTextAndClassificationHasProbabilities()
    {
        await using var server = await fixture.StartAsync();
        using var client = ServingClient.For(server);
        var ner = await (await client.PredictAsync("ner-a", new { texts = ServingFixture.Texts })).JsonAsync();
        var predictions = ner["predictions"]!.AsArray();
        Assert.Equal(ServingFixture.Texts.Length, predictions.Count);
        var spans = predictions.SelectMany((p, i) => p!["spans"]!.AsArray().Select(s => (Text: ServingFixture.Texts[i], Span: s!))).ToList();
        Assert.NotEmpty(spans);
        foreach (var (text, span) in spans)
        {
            var (start, end) = (span["start"]!.GetValue<int>(), span["end"]!.GetValue<int>());
            Assert.Equal(text[start..end], span["text"]!.GetValue<string>());
            Assert.InRange(span["confidence"]!.GetValue<double>(), 0, 1);
        }

        var tc = (await (await client.PredictAsync("intents", new { text = "my card does not work abroad" })).JsonAsync())["predictions"]![0]!;
        var probabilities = tc["probabilities"]!.AsObject();
        Assert.Equal(["account", "card", "transfer"], probabilities.Select(p => p.Key));
        Assert.Equal(1.0, probabilities.Sum(p => p.Value!.GetValue<double>()), 2);
        Assert.Contains(tc["label"]!.GetValue<string>(), probabilities.Select(p => p.Key));
        Assert.Null(tc["spans"]);
    }

    [Theory]
    [InlineData("ner-a", """{"text": ""}""", 400, "text")]
    [InlineData("ner-a", """{"text": "   "}""", 400, "text")]
    [InlineData("ner-a", """{}""", 400, "text")]
    [InlineData("ner-a", """{"texts": []}""", 400, "texts")]
    [InlineData("ner-a", """{"texts": ["ok", ""]}""", 400, "texts[1]")]
    [InlineData("ner-a", """{"text": "a", "texts": ["b"]}""", 400, "texts")]
    [InlineData("ner-a", """{"texts": "not a list"}""", 400, "texts")]
    [InlineData("ner-a", """not json""", 400, "body")]
    [InlineData("ner-a", """{"texts": ["a", "b", "c", "d"]}""", 413, "texts")]
    [InlineData("ner-a", """{"texts": ["short", "this text is longer than forty characters in all"]}""", 413, "texts[1]")]
    public async Task BadRequestsAreProblemDocumentsNamingTheField(string model, string body, int status, string field)
    {
        await using var server = await fixture.StartAsync(o => o with { MaxTexts = 3, MaxTextChars = 40 });
        using var client = ServingClient.For(server);
        var response = await client.PostAsync($"/v1/models/{model}/predict", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal(status, problem["status"]!.GetValue<int>());
        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), problem.ToJsonString());
    }

    [Fact]
    public async Task AnUnknownModelIsA404ProblemDocument()
    {
        await using var server = await fixture.StartAsync();
        using var client = ServingClient.For(server);
        foreach (var response in new[] { await client.PredictAsync("nope", new { text = "hello" }), await client.GetAsync("/v1/models/nope") })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.JsonAsync();
            Assert.Equal("name", problem["field"]!.GetValue<string>());
            Assert.Contains("nope", problem["detail"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task AnApiKeyGuardsTheApiButNotHealthOrThePage()
    {
        await using var server = await fixture.StartAsync(o => o with { ApiKey = "s3cret" });
        using var client = ServingClient.For(server);
        var denied = await client.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.Equal("application/problem+json", denied.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/metrics")).StatusCode);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { { "X-Api-Key", "guess" } } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(wrong)).StatusCode);
        using var bearer = new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { { "Authorization", "Bearer s3cret" } } };
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(bearer)).StatusCode);
        using var header = new HttpRequestMessage(HttpMethod.Post, "/v1/models/ner-a/predict")
        {
            Headers = { { "X-Api-Key", "s3cret" } }, Content = new StringContent("""{"text": "Alice works at Acme ."}""", System.Text.Encoding.UTF8, "application/json"),
        };
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(header)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task HealthReadinessOpenApiPageAndMetricsAnswer()
    {
        await using var server = await fixture.StartAsync();
        using var client = ServingClient.For(server);
        Assert.Equal("ok", (await (await client.GetAsync("/healthz")).JsonAsync())["status"]!.GetValue<string>());
        var ready = await (await client.GetAsync("/readyz")).JsonAsync();
        Assert.Equal("ready", ready["status"]!.GetValue<string>());
        Assert.Equal(4, ready["models"]!.GetValue<int>());

        var openApi = await client.GetAsync("/openapi");
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        var document = await openApi.JsonAsync();
        Assert.StartsWith("3.", document["openapi"]!.GetValue<string>());
        var paths = document["paths"]!.AsObject();
        foreach (var path in new[] { "/v1/models", "/v1/models/{name}", "/v1/models/{name}/predict", "/healthz", "/readyz" }) Assert.True(paths.ContainsKey(path), path);
        Assert.Contains("\"texts\"", document.ToJsonString());

        var page = await client.GetAsync("/");
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/v1/models", await page.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, (await client.PredictAsync("ner-a", new { texts = new[] { "Alice works at Acme .", "Bob ." } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PredictAsync("ner-a", new { text = "" })).StatusCode);
        var metrics = await client.GetStringAsync("/metrics");
        Assert.Matches("""locus_serving_requests_total\{[^}]*model="ner-a"[^}]*status="200"[^}]*\} 1""", metrics);
        Assert.Matches("""locus_serving_requests_total\{[^}]*model="ner-a"[^}]*status="400"[^}]*\} 1""", metrics);
        Assert.Matches("""locus_serving_request_duration_seconds_bucket\{[^}]*model="ner-a"[^}]*\} """, metrics);
        Assert.Matches("""locus_serving_batch_size_sum\{[^}]*model="ner-a"[^}]*\} 2""", metrics);
    }
}
