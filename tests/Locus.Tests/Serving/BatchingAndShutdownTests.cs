using System.Net;
using System.Text.Json.Nodes;
using System.Text.Json;
using Locus.Serving.Batching;
using Locus.Serving.Models;
using Locus.Training.FineTuning;

namespace Locus.Tests.Serving;

/// <summary>Micro-batching gives what unbatched prediction gives; cancelled requests are dropped; shutdown drains.</summary>
[Collection("Serving")]
public class BatchingAndShutdownTests(ServingFixture fixture)
{
    static IEnumerable<(string Label, int Start, int End, double Confidence)> Spans(JsonNode prediction) =>
        prediction["spans"]!.AsArray().Select(s => (s!["label"]!.GetValue<string>(), s["start"]!.GetValue<int>(), s["end"]!.GetValue<int>(), s["confidence"]!.GetValue<double>()));

    [Fact]
    public async Task ConcurrentRequestsAreBatchedAndGiveTheUnbatchedResults()
    {
        await using var server = await fixture.StartAsync(o => o with { MaxWait = TimeSpan.FromMilliseconds(300), MaxBatch = 64 });
        using var client = ServingClient.For(server);
        var texts = Enumerable.Range(0, 4).SelectMany(_ => ServingFixture.Texts).Select((t, i) => i % 3 == 0 ? t + " Alice ." : t).ToList();

        // Unbatched: each text alone through the direct prediction path.
        var unbatched = new Dictionary<string, List<JsonNode>>();
        foreach (var name in new[] { "ner-a", "ner-b", "intents" })
        {
            using var model = TrainedModel.Load(fixture.Folders[name]);
            var predictor = model.Predictor();
            unbatched[name] = texts.Select(t => ServingClient.Serialise(predictor.Predict([t])[0])).ToList();
        }

        var requests = texts.SelectMany((t, i) => new[] { "ner-a", "ner-b", "intents" }.Select(name => (name, i, Task: client.PredictAsync(name, new { text = t })))).ToList();
        await Task.WhenAll(requests.Select(r => r.Task));
        foreach (var (name, i, task) in requests)
        {
            var response = await task;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var served = (await response.JsonAsync())["predictions"]![0]!;
            var expected = unbatched[name][i];
            if (name == "intents")
            {
                Assert.Equal(expected["label"]!.GetValue<string>(), served["label"]!.GetValue<string>());
                foreach (var (label, p) in expected["probabilities"]!.AsObject()) Assert.Equal(p!.GetValue<double>(), served["probabilities"]![label]!.GetValue<double>(), 3);
                continue;
            }
            var (want, got) = (Spans(expected).ToList(), Spans(served).ToList());
            Assert.Equal(want.Select(s => (s.Label, s.Start, s.End)), got.Select(s => (s.Label, s.Start, s.End)));
            foreach (var (w, g) in want.Zip(got)) Assert.Equal(w.Confidence, g.Confidence, 3);
        }

        // The NER adapters share one batcher: far fewer micro-batches than requests.
        var shared = server.Batchers.Single(b => b.Texts == 2 * texts.Count);
        Assert.True(shared.Batches < texts.Count, $"{shared.Batches} batches for {2 * texts.Count} requests");
    }

    [Fact]
    public void AdaptersOfOneBaseShareForwardPassesAndStillPredictAsOnTheirOwn()
    {
        var set = Assert.IsType<AdapterSetBackend>(fixture.Catalog.Find("ner-a")!.Backend).Set;
        Assert.True(set.CanMix(["ner-a", "ner-b"])); // different label counts, one tokenizer, heads are the only modules to save
        var texts = ServingFixture.Texts;
        IReadOnlyList<(string Model, IReadOnlyList<string> Texts)> requests = [("ner-a", texts[..3]), ("ner-b", texts), ("ner-a", [texts[3], texts[4] + " Alice ."])];
        var mixed = set.PredictMany(requests);
        Assert.Equal(requests.Count, mixed.Count);
        for (var r = 0; r < requests.Count; r++)
        {
            var alone = set.Predict(requests[r].Model, requests[r].Texts);
            Assert.Equal(alone.Count, mixed[r].Count);
            for (var i = 0; i < alone.Count; i++)
            {
                Assert.Equal(alone[i].Spans!.Select(s => (s.Start, s.End, s.Label)), mixed[r][i].Spans!.Select(s => (s.Start, s.End, s.Label)));
                foreach (var (a, m) in alone[i].Spans!.Zip(mixed[r][i].Spans!)) Assert.Equal(a.Confidence, m.Confidence, 3);
            }
        }
        Assert.NotEqual(JsonSerializer.Serialize(set.Predict("ner-a", texts)), JsonSerializer.Serialize(set.Predict("ner-b", texts)));
    }

    [Fact]
    public async Task ARequestCancelledWhileQueuedIsDroppedBeforeTheForwardPass()
    {
        var backend = fixture.Catalog.Find("ner-a")!.Backend;
        await using var batcher = new MicroBatcher(backend, new BatchingOptions(64, TimeSpan.FromMilliseconds(400)));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => batcher.PredictAsync("ner-a", ["Alice works at Acme ."], cancel.Token));
        await Task.Delay(600);
        Assert.Equal(0, batcher.Batches);
        var records = await batcher.PredictAsync("ner-a", ["Alice works at Acme ."]);
        Assert.Single(records);
        Assert.Equal(1, batcher.Batches);
    }

    [Fact]
    public async Task StoppingTheServerFinishesInFlightRequestsAndRefusesNewOnes()
    {
        var server = await fixture.StartAsync(o => o with { MaxWait = TimeSpan.FromMilliseconds(1500), MaxBatch = 64 });
        using var client = ServingClient.For(server);
        var inFlight = Enumerable.Range(0, 3).Select(_ => client.PredictAsync("ner-a", new { text = ServingFixture.Texts[0] })).ToList();
        await Task.Delay(300); // the requests now wait in the batcher
        var stopping = server.StopAsync();
        await Task.Delay(100);
        Assert.True(server.Stopping.IsCancellationRequested);
        foreach (var request in inFlight)
        {
            var response = await request;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(ServingFixture.Texts[0], (await response.JsonAsync())["predictions"]![0]!["text"]!.GetValue<string>());
        }
        await stopping;
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync("/healthz"));
        await server.DisposeAsync();
    }
}
