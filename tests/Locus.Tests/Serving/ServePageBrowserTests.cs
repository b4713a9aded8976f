using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Locus.Tests.TestSupport;

namespace Locus.Tests.Serving;

/// <summary>The page at <c>/</c> in headless Chromium against a real server on 127.0.0.1: type text, predict, read the DOM.</summary>
[Collection("Serving")]
public class ServePageBrowserTests(ServingFixture fixture)
{
    /// <summary>Where the screenshots go: under the test output folder.</summary>
    static string Shot(string name) => Path.Combine(AppContext.BaseDirectory, "screenshots", name);

    [ChromiumFact]
    public async Task ThePageHighlightsEntitiesAndShowsLabelProbabilities()
    {
        await using var server = await fixture.StartAsync();
        using var client = ServingClient.For(server);
        await using var browser = await HeadlessChromium.StartAsync();
        await browser.NavigateAsync(server.Urls[0] + "/");
        await browser.WaitForAsync("document.querySelectorAll('#model option').length === 4");

        // NER: the page marks exactly the spans the API returns, at the same character offsets.
        var text = ServingFixture.Texts[0] + " " + ServingFixture.Texts[1];
        await browser.EvaluateAsync($$"""
            (() => { const m = document.getElementById('model'); m.value = 'ner-a'; m.dispatchEvent(new Event('change'));
                     document.getElementById('text').value = {{JsonSerializer.Serialize(text)}};
                     document.getElementById('predict').click(); })()
            """);
        await browser.WaitForAsync("document.getElementById('result').dataset.state === 'done'");
        var marks = (await browser.EvaluateAsync("""
            [...document.querySelectorAll('#result mark')].map(m => ({ label: m.dataset.label, start: +m.dataset.start, end: +m.dataset.end, text: m.firstChild.textContent }))
            """))!.AsArray();
        var api = (await (await client.PredictAsync("ner-a", new { text })).JsonAsync())["predictions"]![0]!["spans"]!.AsArray();
        Assert.NotEmpty(api);
        Assert.Equal(api.Select(s => (s!["label"]!.GetValue<string>(), s["start"]!.GetValue<int>(), s["end"]!.GetValue<int>(), s["text"]!.GetValue<string>())),
            marks.Select(m => (m!["label"]!.GetValue<string>(), m["start"]!.GetValue<int>(), m["end"]!.GetValue<int>(), m["text"]!.GetValue<string>())));
        Assert.Contains("labels: PER, ORG, LOC", (await browser.EvaluateAsync("document.getElementById('info').textContent"))!.GetValue<string>());
        await browser.ScreenshotAsync(Shot("serve-page-ner.png"));

        // Classification: the chosen label and one probability row per label.
        await browser.EvaluateAsync("""
            (() => { const m = document.getElementById('model'); m.value = 'intents'; m.dispatchEvent(new Event('change'));
                     document.getElementById('text').value = 'my card does not work abroad';
                     document.getElementById('result').dataset.state = 'idle';
                     document.getElementById('predict').click(); })()
            """);
        await browser.WaitForAsync("document.getElementById('result').dataset.state === 'done'");
        var chosen = (await browser.EvaluateAsync("document.getElementById('chosen').textContent"))!.GetValue<string>();
        var expected = (await (await client.PredictAsync("intents", new { text = "my card does not work abroad" })).JsonAsync())["predictions"]![0]!["label"]!.GetValue<string>();
        Assert.Equal(expected, chosen);
        Assert.Equal(3, (await browser.EvaluateAsync("document.querySelectorAll('#result tr').length"))!.GetValue<int>());
        await browser.ScreenshotAsync(Shot("serve-page-classification.png"));

        // A bad request shows the problem document's message.
        await browser.EvaluateAsync("""
            (() => { document.getElementById('text').value = ''; document.getElementById('result').dataset.state = 'idle'; document.getElementById('predict').click(); })()
            """);
        await browser.WaitForAsync("document.getElementById('result').dataset.state === 'error'");
        Assert.Contains("text: must not be empty", (await browser.EvaluateAsync("document.getElementById('result').textContent"))!.GetValue<string>());
        Assert.True(File.Exists(Shot("serve-page-ner.png")));
    }

    [ChromiumFact]
    public async Task RoutingFromThePageShowsTheChosenModelItsScoresAndItsAnswer()
    {
        using var dir = new TempDir();
        var atlas = await RouterAndRecordsTests.TrainAtlasAsync(dir);
        await using var server = await fixture.StartAsync(o => o with { Atlas = atlas });
        using var client = ServingClient.For(server);
        await using var browser = await HeadlessChromium.StartAsync();
        await browser.NavigateAsync(server.Urls[0] + "/");
        await browser.WaitForAsync("document.querySelectorAll('#model option').length === 5");
        Assert.Equal("__route", (await browser.EvaluateAsync("document.querySelector('#model option').value"))!.GetValue<string>());

        const string text = "please send money to my sister";
        await browser.EvaluateAsync($$"""
            (() => { const m = document.getElementById('model'); m.value = '__route'; m.dispatchEvent(new Event('change'));
                     document.getElementById('text').value = {{JsonSerializer.Serialize(text)}};
                     document.getElementById('predict').click(); })()
            """);
        await browser.WaitForAsync("document.getElementById('result').dataset.state === 'done'");
        var api = await (await client.PostAsJsonAsync("/v1/route", new { text, served_only = true })).JsonAsync();
        var choice = (await browser.EvaluateAsync("document.getElementById('route-choice').textContent"))!.GetValue<string>();
        Assert.Equal($"Routed to {api["model"]!.GetValue<string>()}", choice);
        Assert.Equal(api["scores"]!.AsArray().Count + 1, (await browser.EvaluateAsync("document.querySelectorAll('#route-scores tr').length"))!.GetValue<int>());
        Assert.True((await browser.EvaluateAsync("document.querySelector('#result h3') !== null"))!.GetValue<bool>());
        await browser.ScreenshotAsync(Shot("serve-page-route.png"));
    }
}
