using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Locus.Atlas;
using Locus.Atlas.Data;
using Locus.Atlas.Uses;
using Locus.Data;
using Locus.Tests.TestSupport;
using Locus.Tests.Training;
using Locus.Training.FineTuning;

namespace Locus.Tests.Serving;

/// <summary><c>locus eval --records</c> writes atlas records; <c>locus serve --atlas</c> routes texts among the served models.</summary>
[Collection("Serving")]
public class RouterAndRecordsTests(ServingFixture fixture)
{
    [Fact]
    public async Task EvalRecordsArePerExampleOutcomesInTheAtlasFormat()
    {
        using var dir = new TempDir();
        var ner = dir.File("ner.jsonl");
        await JsonlWriter.WriteFileAsync(ner, DataRecord.FromExamples(FineTunerTests.Ner));
        var records = dir.File("ner-records.jsonl");
        var eval = await CliRun.Locus("eval", "--model", Path.Combine(fixture.Root, "runs", "ner-a"), "--data", ner, "--records", records);
        Assert.True(eval.Code == 0, eval.Err);

        var builder = new EvaluationTableBuilder();
        EvaluationJsonlReader.ReadInto(records, builder);
        var table = builder.Build();
        Assert.Equal(["ner-a"], table.Models);
        var lines = File.ReadAllLines(records).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(FineTunerTests.Ner.Length, lines.Count);
        Assert.Equal(FineTunerTests.Ner.Select(e => e.Text), lines.Select(l => l["query_text"]!.GetValue<string>()));
        Assert.Equal(Enumerable.Range(1, lines.Count).Select(i => i.ToString()), lines.Select(l => l["query_id"]!.GetValue<string>()));
        using (var ner_a = TrainedModel.Load(fixture.Folders["ner-a"]))
        {
            var spans = ner_a.NerPredictor().Predict(FineTunerTests.Ner.Select(e => e.Text).ToList());
            var expected = FineTunerTests.Ner.Select((e, i) => Locus.Evaluation.ExampleOutcome.EntityF1(
                e.Spans.Select(s => new Locus.Evaluation.EntitySpan(s.Start, s.End, s.Label)).ToList(),
                spans[i].Select(s => new Locus.Evaluation.EntitySpan(s.Start, s.End, s.Label)).ToList()));
            Assert.Equal(expected, lines.Select(l => l["score"]!.GetValue<double>()));
        }
        Assert.All(lines, l => Assert.InRange(l["score"]!.GetValue<double>(), 0, 1));

        var intents = dir.File("intents.jsonl");
        await JsonlWriter.WriteFileAsync(intents, DataRecord.FromExamples(ServingFixture.Intents));
        var tcRecords = dir.File("tc-records.jsonl");
        var tc = await CliRun.Locus("eval", "--model", fixture.Folders["intents"], "--data", intents, "--records", tcRecords, "--records-model", "my-intents", "--cost", "0.5");
        Assert.True(tc.Code == 0, tc.Err);
        using var model = TrainedModel.Load(fixture.Folders["intents"]);
        var predicted = model.TextPredictor().Predict(ServingFixture.Intents.Select(e => e.Text).ToList());
        var tcLines = File.ReadAllLines(tcRecords).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.All(tcLines, l => Assert.Equal("my-intents", l["model"]!.GetValue<string>()));
        Assert.All(tcLines, l => Assert.Equal(0.5, l["cost"]!.GetValue<double>()));
        Assert.Equal(ServingFixture.Intents.Select((e, i) => e.Label == predicted[i].Labels[0] ? 1.0 : 0.0), tcLines.Select(l => l["score"]!.GetValue<double>()));
    }

    [Fact]
    public async Task RouteAsksTheAtlasAndAnswersWithTheChosenServedModel()
    {
        using var dir = new TempDir();
        var atlasFolder = await TrainAtlasAsync(dir);
        await using var server = await fixture.StartAsync(o => o with { Atlas = atlasFolder });
        using var client = ServingClient.For(server);
        using var atlas = ModelAtlas.Load(atlasFolder);

        var text = "my card was blocked abroad";
        var routed = await client.PostAsJsonAsync("/v1/route", new { text });
        Assert.Equal(HttpStatusCode.OK, routed.StatusCode);
        var body = await routed.JsonAsync();
        var scores = body["scores"]!.AsArray();
        Assert.Equal(atlas.Models.Select(m => m.Name).Order(), scores.Select(s => s!["model"]!.GetValue<string>()).Order());
        var utilities = scores.Select(s => s!["utility"]!.GetValue<double>()).ToList();
        Assert.Equal(utilities.OrderDescending(), utilities);
        Assert.Equal(scores[0]!["model"]!.GetValue<string>(), body["model"]!.GetValue<string>());
        var direct = QueryRouter.Route(atlas, [atlas.EncodeQuery("route", text)]).Single();
        Assert.Equal(direct.Model, body["model"]!.GetValue<string>());
        Assert.Equal(direct.Probability, scores[0]!["probability"]!.GetValue<double>(), 6);
        Assert.Equal(fixture.Catalog.Find(direct.Model) is not null, body["served"]!.GetValue<bool>());
        Assert.False(scores.Single(s => s!["model"]!.GetValue<string>() == "hosted-llm")!["served"]!.GetValue<bool>());

        // Among the served models only: the choice answers, exactly as that model predicts on its own.
        var served = await (await client.PostAsJsonAsync("/v1/route", new { text, served_only = true })).JsonAsync();
        var chosen = served["model"]!.GetValue<string>();
        Assert.True(served["served"]!.GetValue<bool>());
        Assert.DoesNotContain(served["scores"]!.AsArray(), s => s!["model"]!.GetValue<string>() == "hosted-llm");
        using (var model = TrainedModel.Load(fixture.Folders[chosen]))
            Assert.Equal(ServingClient.Serialise(model.Predictor().Predict([text])[0]).ToJsonString(), served["prediction"]!.ToJsonString());

        var choiceOnly = await (await client.PostAsJsonAsync("/v1/route", new { text, served_only = true, answer = false })).JsonAsync();
        Assert.Null(choiceOnly["prediction"]);
        var empty = await client.PostAsJsonAsync("/v1/route", new { text = "" });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.True((await empty.JsonAsync())["errors"]!.AsObject().ContainsKey("text"));
    }

    /// <summary>A tiny LSA atlas over the served models and one external model, from outcome records with query texts.</summary>
    internal static async Task<string> TrainAtlasAsync(TempDir dir)
    {
        var banking = ServingFixture.Intents.Select(e => e.Text).ToList();
        var news = FineTunerTests.Ner.Select(e => e.Text).ToList();
        var queries = banking.Select(t => (Text: t, Banking: true)).Concat(news.Select(t => (Text: t, Banking: false))).ToList();
        double Score(string model, bool bankingQuery) => model switch
        {
            "intents" => bankingQuery ? 1 : 0,
            "ner-a" or "ner-merged" => bankingQuery ? 0 : 1,
            "ner-b" => bankingQuery ? 0 : 0.5,
            _ => 0.6,
        };
        var lines = new[] { "intents", "ner-a", "ner-b", "ner-merged", "hosted-llm" }.SelectMany(model => queries.Select((q, i) =>
            EvaluationJsonlWriter.ToLine(new EvaluationRecord(model, $"q{i}", Score(model, q.Banking), q.Text))));
        var data = dir.File("records.jsonl");
        await File.WriteAllLinesAsync(data, lines);
        var atlas = dir.File("atlas");
        var train = await CliRun.Locus("atlas", "train", "--data", data, "--out", atlas, "--encoding", "Lsa", "--encoding-dim", "3", "--max-steps", "4",
            "--hidden-size", "16", "--latents", "4", "--embedding-dim", "8", "--support-max", "16", "--cache", "none");
        Assert.True(train.Code == 0, train.Err);
        return atlas;
    }
}
