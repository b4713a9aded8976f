using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Locus.Cli;
using Locus.Tests.Hub;
using Locus.Tests.TestSupport;

namespace Locus.Tests.Models;

/// <summary>
/// <c>locus model info</c> on a model folder assembled from the fixtures (the DeBERTa-v3 token-classification
/// model plus the DeBERTa-v3 SentencePiece tokenizer), on a hub id served by the fake hub, and on bad folders.
/// </summary>
public sealed class ModelInfoCommandTests : IDisposable
{
    const string Sample = "Hello, world!";

    readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await LocusCli.RunAsync(["model", "info", .. args], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>A model folder: the fixture model's config.json and model.safetensors, and optionally the spm tokenizer files.</summary>
    string ModelFolder(bool withTokenizer = true)
    {
        var folder = dir.File("model");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(SharedFixtures.PathOf("models", "deberta-v3-tiny-token-cls")))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        if (withTokenizer)
        {
            foreach (var file in Directory.GetFiles(SharedFixtures.PathOf("tokenizers", "deberta-v3-spm")))
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
        return folder;
    }

    /// <summary>Parameter counts from Hugging Face's own state dict of the model (the reference vectors), total and per top-level module.</summary>
    static (long Total, Dictionary<string, long> ByModule) ExpectedParameters()
    {
        var keys = ReferenceVectors.LoadModel("deberta-v3-tiny").StateDictKeys("heads.token_classification.state_dict_keys");
        var byModule = keys.GroupBy(k => k.Name.Split('.')[0]).ToDictionary(g => g.Key, g => g.Sum(k => k.Shape.Aggregate(1L, (a, b) => a * b)));
        return (byModule.Values.Sum(), byModule);
    }

    /// <summary>The Hugging Face tokens, ids and offsets of <see cref="Sample"/> (the "simple" case of the spm reference vectors).</summary>
    static (string[] Tokens, int[] Ids, (int, int)[] Offsets) ExpectedSample()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(SharedFixtures.PathOf("tokenizers", "sentencepiece_deberta_v3.vectors.json")));
        var simple = document.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("text").GetString() == Sample);
        var hf = simple.GetProperty("hf_slow");
        var textOffsets = simple.GetProperty("spm").GetProperty("offsets_utf16").EnumerateArray().Select(o => (o[0].GetInt32(), o[1].GetInt32()));
        return (hf.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!).ToArray(),
            hf.GetProperty("input_ids").EnumerateArray().Select(i => i.GetInt32()).ToArray(),
            [(0, 0), .. textOffsets, (0, 0)]); // [CLS] text [SEP]; specials have (0, 0)
    }

    [Fact]
    public async Task JsonReportsArchitectureParametersDtypeTokenizerAndSample()
    {
        var (exit, output, error) = await RunAsync(ModelFolder(), "--json", "--text", Sample);
        Assert.True(exit == 0, error);
        var report = JsonNode.Parse(output)!;

        Assert.Equal("local", report["source"]!.GetValue<string>());
        Assert.Equal("deberta-v2", report["model_type"]!.GetValue<string>());
        Assert.Equal("DebertaV2ForTokenClassification", report["architectures"]![0]!.GetValue<string>());
        Assert.True(report["supported"]!.GetValue<bool>());
        Assert.Equal((32, 2, 4, 37, 1000, 64), (report["hidden_size"]!.GetValue<int>(), report["num_hidden_layers"]!.GetValue<int>(),
            report["num_attention_heads"]!.GetValue<int>(), report["intermediate_size"]!.GetValue<int>(), report["vocab_size"]!.GetValue<int>(),
            report["max_position_embeddings"]!.GetValue<int>()));
        Assert.Equal(["LABEL_0", "LABEL_1", "LABEL_2", "LABEL_3", "LABEL_4"], report["labels"]!.AsArray().Select(l => l!.GetValue<string>()));

        var (total, byModule) = ExpectedParameters();
        Assert.Equal(total, report["parameters"]!.GetValue<long>());
        Assert.Equal(byModule.OrderBy(kv => kv.Key, StringComparer.Ordinal), report["parameters_by_module"]!.AsObject().Select(kv => KeyValuePair.Create(kv.Key, kv.Value!.GetValue<long>())));
        Assert.Equal(5 * 32 + 5, byModule["classifier"]);
        Assert.Equal(0, report["buffer_elements"]!.GetValue<long>());
        Assert.Equal(report["tensors"]!.GetValue<int>(), report["weight_dtypes"]!["F32"]!.GetValue<int>());

        Assert.StartsWith("SentencePiece", report["tokenizer"]!["kind"]!.GetValue<string>());
        var (tokens, ids, offsets) = ExpectedSample();
        var sample = report["sample"]!["tokens"]!.AsArray();
        Assert.Equal(tokens, sample.Select(t => t!["token"]!.GetValue<string>()));
        Assert.Equal(ids, sample.Select(t => t!["id"]!.GetValue<int>()));
        Assert.Equal(offsets, sample.Select(t => (t!["start"]!.GetValue<int>(), t["end"]!.GetValue<int>())));
        Assert.Equal([true, false, false, false, false, true], sample.Select(t => t!["special"]!.GetValue<bool>()));
        // The fixture model is tiny (vocab_size 1000) but the tokenizer is the real DeBERTa-v3 one.
        Assert.Equal("the tokenizer has 128001 ids but the model's vocab_size is 1000: ids from 1000 on have no embedding",
            Assert.Single(report["warnings"]!.AsArray())!.GetValue<string>());
    }

    [Fact]
    public async Task TextOutputShowsTheSummaryAndTheTokensWithTheirText()
    {
        var (exit, output, error) = await RunAsync(ModelFolder(), "--text", Sample);
        Assert.True(exit == 0, error);
        var (total, _) = ExpectedParameters();
        Assert.Contains("architecture: DebertaV2ForTokenClassification, model_type deberta-v2", output);
        Assert.Contains("hidden_size 32, num_hidden_layers 2, num_attention_heads 4", output);
        Assert.Contains("labels:       5: LABEL_0, LABEL_1, LABEL_2, LABEL_3, LABEL_4", output);
        Assert.Contains($"parameters:   {total.ToString("N0", CultureInfo.InvariantCulture)}", output);
        Assert.Matches(@"\n  classifier\s+165\r?\n", output);
        Assert.Contains("dtype F32", output);
        Assert.Contains("tokenizer:    SentencePiece", output);
        Assert.Contains("warning:      the tokenizer has 128001 ids", output);
        // "▁world" covers the space before it: offsets 6..12 of "Hello, world!".
        Assert.Matches(@"▁world\s+447\s+6\.\.12\s+"" world""", output);
    }

    [Fact]
    public async Task AFolderWithoutTokenizerFilesReportsNoTokenizer()
    {
        var folder = ModelFolder(withTokenizer: false);
        var (exit, output, error) = await RunAsync(folder, "--json");
        Assert.True(exit == 0, error);
        var report = JsonNode.Parse(output)!;
        Assert.Null(report["tokenizer"]);
        Assert.Null(report["sample"]);
        Assert.Empty(report["warnings"]!.AsArray());
        var (_, text, _) = await RunAsync(folder);
        Assert.Contains("tokenizer:    none", text);
    }

    [Fact]
    public async Task AFolderWithoutConfigJsonIsAClearError()
    {
        var folder = dir.File("no-config");
        Directory.CreateDirectory(folder);
        File.Copy(SharedFixtures.PathOf("models", "deberta-v3-tiny", "model.safetensors"), Path.Combine(folder, "model.safetensors"));
        var (exit, output, error) = await RunAsync(folder);
        Assert.Equal(LocusCli.Failed, exit);
        Assert.Equal("", output);
        Assert.Contains(folder, error);
        Assert.Contains("has no config.json", error);
        Assert.DoesNotContain("   at ", error); // no stack trace
    }

    [Fact]
    public async Task AMissingFolderIsAClearError()
    {
        var (exit, _, error) = await RunAsync(dir.File("nothing-here"));
        Assert.Equal(LocusCli.Failed, exit);
        Assert.Contains("does not exist", error);
    }

    [Fact]
    public async Task AHubIdIsResolvedThroughTheCache()
    {
        using var server = new FakeHubServer();
        var files = Directory.GetFiles(ModelFolder()).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        var repo = server.AddRepo("tiny-org/tiny-deberta", files);
        repo.Lfs.Add("model.safetensors");
        var cache = dir.File("cache");

        var (exit, output, error) = await RunAsync("tiny-org/tiny-deberta", "--json", "--cache-dir", cache, "--endpoint", server.Url);
        Assert.True(exit == 0, error);
        var report = JsonNode.Parse(output)!;
        Assert.Equal("hub", report["source"]!.GetValue<string>());
        Assert.Equal("tiny-org/tiny-deberta", report["repo"]!.GetValue<string>());
        Assert.Equal(repo.Commit, report["commit"]!.GetValue<string>());
        Assert.Equal(ExpectedParameters().Total, report["parameters"]!.GetValue<long>());
        Assert.Contains("download model.safetensors", error); // progress on stderr

        // A second call is served from the cache.
        var (again, cachedOutput, _) = await RunAsync("tiny-org/tiny-deberta", "--json", "--cache-dir", cache, "--endpoint", server.Url);
        Assert.Equal(0, again);
        Assert.Equal("cache", JsonNode.Parse(cachedOutput)!["source"]!.GetValue<string>());
    }
}
