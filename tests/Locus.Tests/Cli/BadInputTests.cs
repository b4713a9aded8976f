using System.Text;
using System.Text.Json.Nodes;
using Locus.Tests.TestSupport;
using Locus.Tests.Training;

namespace Locus.Tests.Cli;

/// <summary>
/// The corpus of bad inputs from issue 14: each case runs the CLI in-process and must fail with one located error line
/// (naming the file or option), a non-zero exit code, and no stack trace. Add a case for every new bad input found.
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TempDir _dir = new();

    /// <summary>Case name, then what the single error line must contain ({dir} stands for the case's folder).</summary>
    public static TheoryData<string, string> Cases => new()
    {
        { "index-is-a-file", "--index {dir}/afile.txt is a file" },
        { "convert-out-is-a-folder", "{dir}/afolder is a folder" },
        { "convert-out-under-a-file", "{dir}/afile.txt" },
        { "invalid-utf8-data", "{dir}/latin1.jsonl:2: the text is not valid UTF-8" },
        { "invalid-utf8-training-data", "{dir}/latin1.jsonl:2: the text is not valid UTF-8" },
        { "empty-data-file", "{dir}/empty.jsonl: the file is empty" },
        { "empty-data-file-stats", "{dir}/empty.jsonl: the file is empty" },
        { "schema-without-labels", "{dir}/nolabels.json: field 'labels': the schema lists no labels" },
        { "config-missing-hidden-size", "config.json: field 'hidden_size': required but missing" },
        { "binary-corpus", "{dir}/garbage.txt:1: " },
        { "alpha-zero", "--alpha must be greater than 0 (got 0)" },
        { "atlas-max-steps-zero", "--max-steps must be at least 1 (got 0)" },
        { "atlas-validation-models-above-one", "--validation-models must be between 0 and 0.9 (got 1.5)" },
        { "atlas-model-without-evaluations", "{dir}/matrix.csv: field 'm3': the model has no evaluations" },
        { "predict-in-is-a-folder", "--in {dir}/afolder is a folder" },
        { "model-manifest-missing-fields", "{dir}/model/locus_model.json:1: missing required field(s) 'task', 'mode', 'labels'" },
        { "model-manifest-malformed", "{dir}/broken/locus_model.json:1: " },
        { "pretrain-lr-zero", "--lr must be greater than 0 (got 0)" },
        { "pretrain-out-holds-a-model", "--out {dir}/pretrained already holds a model; pass --overwrite" },
        { "train-out-is-a-file", "--out {dir}/afile.txt is a file" },
        { "train-data-of-unknown-format", "Cannot tell the format of '{dir}/data.dat' from its extension; name the file .jsonl, .conll or .csv" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadInputFailsWithOneLocatedLine(string name, string expected)
    {
        var args = Arrange(name);
        var (code, _, error) = await CliRun.Locus(args);

        Assert.NotEqual(0, code);
        var errors = error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 1, $"expected one error line, got:\n{error}");
        Assert.Contains(expected.Replace("{dir}", _dir.Path), errors[0]);
        foreach (var leak in new[] { "   at ", "Exception", "LineNumber:", "BytePositionInLine", "Locus.", "System." })
            Assert.DoesNotContain(leak, error);
        if (name == "binary-corpus") Assert.False(Directory.Exists(_dir.File("idx")), "a half-made index folder was left behind");
    }

    private string[] Arrange(string name)
    {
        string F(string file) => _dir.File(file);
        var Seeds = F("seeds.jsonl");
        File.WriteAllText(Seeds, "{\"text\": \"Alice works at Acme.\", \"spans\": [{\"start\": 0, \"end\": 5, \"label\": \"PER\"}]}\n");
        File.WriteAllText(F("afile.txt"), "hello\n");
        Directory.CreateDirectory(F("afolder"));
        File.WriteAllText(F("empty.jsonl"), "\n \n");
        File.WriteAllBytes(F("latin1.jsonl"), [.. Encoding.UTF8.GetBytes("{\"text\": \"ok\", \"spans\": []}\n{\"text\": \"caf"), 0xE9, .. Encoding.UTF8.GetBytes(" in Paris\", \"spans\": []}\n")]);
        File.WriteAllText(F("nolabels.json"), "{\"task\": \"ner\", \"labels\": []}");
        File.WriteAllBytes(F("garbage.txt"), Enumerable.Range(0, 4000).Select(i => (byte)(i * 7919 % 251)).ToArray());
        return name switch
        {
            "index-is-a-file" => ["corpus", "ingest", "--in", F("afile.txt"), "--index", F("afile.txt"), "--encoder", "lexical"],
            "convert-out-under-a-file" => ["data", "convert", "--in", Seeds, "--out", F("afile.txt/x.jsonl")],
            "convert-out-is-a-folder" => ["data", "convert", "--in", Seeds, "--out", F("afolder"), "--to", "jsonl"],
            "invalid-utf8-data" => ["data", "validate", F("latin1.jsonl")],
            "invalid-utf8-training-data" => ["train", "--task", "ner", "--train", F("latin1.jsonl"), "--out", F("m")],
            "empty-data-file" => ["data", "validate", F("empty.jsonl")],
            "empty-data-file-stats" => ["data", "stats", F("empty.jsonl")],
            "schema-without-labels" => ["data", "validate", Seeds, "--schema", F("nolabels.json")],
            "config-missing-hidden-size" => ["train", "--task", "ner", "--train", Seeds, "--dev", Seeds, "--base", ModelWithoutHiddenSize(), "--out", F("m")],
            "binary-corpus" => ["corpus", "ingest", "--in", F("garbage.txt"), "--index", F("idx"), "--encoder", "lexical"],
            "alpha-zero" => ["train", "--task", "ner", "--train", Seeds, "--out", F("m"), "--alpha", "0"],
            "atlas-max-steps-zero" => ["atlas", "train", "--data", F("x.jsonl"), "--out", F("atlas"), "--max-steps", "0"],
            "atlas-validation-models-above-one" => ["atlas", "train", "--data", F("x.jsonl"), "--out", F("atlas"), "--validation-models", "1.5"],
            "atlas-model-without-evaluations" => ["atlas", "train", "--data", Matrix(), "--out", F("atlas")],
            "predict-in-is-a-folder" => ["predict", "--model", F("model"), "--in", F("afolder")],
            "model-manifest-missing-fields" => ["predict", "--model", Manifest("model", "{}"), "--in", F("afile.txt")],
            "model-manifest-malformed" => ["predict", "--model", Manifest("broken", "{\"task\": \"ner\", \"mode\": "), "--in", F("afile.txt")],
            "pretrain-out-holds-a-model" => ["pretrain", "--corpus", F("afile.txt"), "--out", Pretrained()],
            "pretrain-lr-zero" => ["pretrain", "--corpus", F("afile.txt"), "--out", F("p"), "--lr", "0"],
            "train-data-of-unknown-format" => ["train", "--task", "ner", "--train", Copy(Seeds, "data.dat"), "--out", F("m")],
            "train-out-is-a-file" => ["train", "--task", "ner", "--train", Seeds, "--out", F("afile.txt")],
            _ => throw new ArgumentException(name),
        };
    }

    private string Pretrained()
    {
        Directory.CreateDirectory(_dir.File("pretrained"));
        File.WriteAllText(Path.Combine(_dir.File("pretrained"), "model.safetensors"), "weights");
        return _dir.File("pretrained");
    }

    private string Copy(string from, string name)
    {
        File.Copy(from, _dir.File(name), overwrite: true);
        return _dir.File(name);
    }

    private string ModelWithoutHiddenSize()
    {
        var folder = FineTunerTests.BaseModel(_dir, ["a tiny vocabulary"]);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!.AsObject();
        config.Remove("hidden_size");
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString());
        return folder;
    }

    private string Matrix()
    {
        File.WriteAllLines(_dir.File("matrix.csv"), ["query,m1,m2,m3", .. Enumerable.Range(0, 12).Select(q => $"q{q},{q % 2},{(q + 1) % 2},")]);
        return _dir.File("matrix.csv");
    }

    private string Manifest(string folder, string json)
    {
        Directory.CreateDirectory(_dir.File(folder));
        File.WriteAllText(Path.Combine(_dir.File(folder), "locus_model.json"), json);
        return _dir.File(folder);
    }

    public void Dispose() => _dir.Dispose();
}
