using System.Text.Json.Nodes;
using Locus.Data;
using Locus.Serving;
using Locus.Serving.Models;
using Locus.Specialization.Runs;
using Locus.Tests.TestSupport;
using Locus.Tests.Training;
using Locus.Training.FineTuning;
using Locus.Training.Trainer;

namespace Locus.Tests.Serving;

/// <summary>
/// Tiny models trained once for the serving tests, all on one tiny random BERT: two NER adapters with different label
/// sets (<c>ner-a</c> inside a completed run with metrics, <c>ner-b</c> a plain folder), a text-classification adapter
/// (<c>intents</c>) and <c>ner-a</c> merged into a full model (<c>ner-merged</c>); loaded once into a catalog.
/// </summary>
public sealed class ServingFixture : IAsyncLifetime
{
    internal static readonly ClassificationExample[] Intents =
    [
        new("the card was blocked at the shop", "card"), new("my card does not work abroad", "card"),
        new("please send money to my friend", "transfer"), new("the transfer to my sister failed", "transfer"),
        new("how do I change my address", "account"), new("close my account please", "account"),
    ];

    /// <summary>Texts to predict, short and long (the long one needs several windows of 32 tokens).</summary>
    public static readonly string[] Texts =
    [
        "Alice works at Acme in Paris .",
        "Bob visited Berlin with Carol .",
        "my card does not work abroad",
        string.Join(" ", Enumerable.Repeat("Erin left Initech for Lisbon and Dave stayed in Rome .", 6)),
        "Nothing happened today .",
    ];

    readonly TempDir dir = new();

    /// <summary>The folder with runs/ and models/.</summary>
    public string Root => dir.Path;

    /// <summary>Served name → model folder.</summary>
    public Dictionary<string, string> Folders { get; } = new(StringComparer.Ordinal);

    /// <summary>What the server loads: <c>runs/ner-a</c>, <c>models/ner-b</c>, <c>models/intents</c>, <c>models/ner-merged</c>.</summary>
    public List<string> References { get; } = [];

    /// <summary>The loaded models.</summary>
    public ModelCatalog Catalog { get; private set; } = null!;

    static FineTuneOptions Options(DataTask task) => new()
    {
        Task = task, Mode = FineTuneMode.Lora, LoraRank = 4, LoraAlpha = 8, LoraDropout = 0, MaxLength = 32, Stride = 8, FitHead = false, ContrastiveEpochs = 0, MinimumStepsPerEpoch = 1,
        Training = new TrainerOptions { Epochs = 30, LearningRate = 1e-2, BatchSize = 4, WarmupRatio = 0.1, Patience = 0, Seed = 7, WeightDecay = 0, Threads = 1 },
    };

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var baseModel = FineTunerTests.BaseModel(dir, FineTunerTests.Ner.Select(e => e.Text).Concat(Intents.Select(e => e.Text)));
        var tuner = new FineTuner();

        var store = new RunStore(dir.File("runs"));
        var run = await store.CreateAsync(new RunRequest { Name = "ner-a", Task = DataTask.Ner });
        using (tuner.Train(baseModel, FineTunerTests.Ner, FineTunerTests.Ner, ["PER", "ORG", "LOC"], Options(DataTask.Ner), run.PathOf("model"), out _)) { }
        await run.UpdateAsync(m => m.Metrics = new JsonObject { ["test"] = new JsonObject { ["f1"] = 0.5 } });
        await run.CompleteAsync();
        Folders["ner-a"] = run.PathOf("model");
        References.Add(Path.Combine(dir.Path, "runs", "ner-a"));

        var perLoc = FineTunerTests.Ner.Select(e => new NerExample(e.Text, e.Spans.Where(s => s.Label != "ORG").ToList())).ToArray();
        Folders["ner-b"] = dir.File("models/ner-b");
        using (tuner.Train(baseModel, perLoc, perLoc, ["PER", "LOC"], Options(DataTask.Ner), Folders["ner-b"], out _)) { }
        References.Add(Folders["ner-b"]);

        Folders["intents"] = dir.File("models/intents");
        using (tuner.Train(baseModel, Intents, Intents, ["account", "card", "transfer"], Options(DataTask.Classification), Folders["intents"], out _)) { }
        References.Add(Folders["intents"]);

        Folders["ner-merged"] = dir.File("models/ner-merged");
        using (var adapter = TrainedModel.Load(Folders["ner-a"])) adapter.SaveMerged(Folders["ner-merged"], Folders["ner-a"]);
        References.Add(Folders["ner-merged"]);

        Catalog = await ModelCatalog.LoadAsync(References);
    }

    /// <summary>Starts a server on a free loopback port over the fixture's catalog.</summary>
    public Task<LocusServer> StartAsync(Func<ServeOptions, ServeOptions>? change = null)
    {
        var options = new ServeOptions { Urls = ["http://127.0.0.1:0"], MaxWait = TimeSpan.FromMilliseconds(2) };
        return LocusServer.StartAsync(change?.Invoke(options) ?? options, Catalog);
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        Catalog?.Dispose();
        dir.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The serving tests share one fixture (training the tiny models once).</summary>
[CollectionDefinition("Serving")]
public sealed class ServingCollection : ICollectionFixture<ServingFixture>;
