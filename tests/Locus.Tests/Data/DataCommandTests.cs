using Locus.Tests.TestSupport;
using System.Text.Json;
using Locus.Cli;

namespace Locus.Tests.Data;

public class DataCommandTests
{
    static Task<(int Code, string Out, string Err)> Run(params string[] args) => CliRun.Locus(args);

    [Fact]
    public async Task ConvertRoundTripsARealExcerptThroughJsonlAndBioes()
    {
        using var files = new DataTestFiles();
        var source = DataTestFiles.Sample("bc5cdr.tsv");
        var jsonl = files.PathOf("b.jsonl");
        var (code, _, err) = await Run("data", "convert", "--in", source, "--out", jsonl);
        Assert.Equal(0, code);
        Assert.Contains("tag scheme bio (detected)", err);
        Assert.Contains("wrote 8 ner examples", err);

        var bioes = files.PathOf("b.bioes");
        Assert.Equal(0, (await Run("data", "convert", "--in", jsonl, "--out", bioes, "--to", "conll", "--scheme", "bioes")).Code);
        Assert.Contains("\tS-", File.ReadAllText(bioes));
        var back = files.PathOf("b.conll");
        (code, _, err) = await Run("data", "convert", "--in", bioes, "--from", "conll", "--out", back);
        Assert.Equal(0, code);
        Assert.Contains("tag scheme bioes (detected)", err);
        Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(back));
    }

    [Fact]
    public async Task ConvertCsvWithChosenColumns()
    {
        using var files = new DataTestFiles();
        var csv = files.Write("in.csv", "label,utterance\r\ngreet,\"hello, you\"\r\n");
        var jsonl = files.PathOf("out.jsonl");
        var (code, _, _) = await Run("data", "convert", "--in", csv, "--out", jsonl, "--text-column", "utterance", "--label-column", "label");
        Assert.Equal(0, code);
        Assert.Equal("{\"text\":\"hello, you\",\"label\":\"greet\"}\n", File.ReadAllText(jsonl));
    }

    [Fact]
    public async Task ConvertFailsOnInvalidRecordsAndWritesNothingUnlessSkipping()
    {
        using var files = new DataTestFiles();
        var input = files.Write("in.jsonl",
            "{\"text\":\"Ann met Bob\",\"spans\":[{\"start\":0,\"end\":3,\"label\":\"PER\"}]}\n" +
            "{\"text\":\"Bob\",\"spans\":[{\"start\":0,\"end\":9,\"label\":\"PER\"}]}\n" +
            "{\"text\":\"broken\n" +
            "{\"text\":\"Rome\",\"spans\":[{\"start\":0,\"end\":4,\"label\":\"LOC\"}]}\n");
        var output = files.PathOf("out.conll");

        var (code, _, err) = await Run("data", "convert", "--in", input, "--out", output);
        Assert.Equal(1, code);
        Assert.Contains($"{input}:2: field 'spans[0].end': 9 is outside the text (0 to 3)", err);
        Assert.Contains($"{input}:3: malformed JSON", err);
        Assert.Contains("nothing written", err);
        Assert.False(File.Exists(output));
        Assert.Single(Directory.GetFiles(files.Folder)); // no temporary file left behind

        (code, _, err) = await Run("data", "convert", "--in", input, "--out", output, "--skip-invalid");
        Assert.Equal(0, code);
        Assert.Contains("wrote 2 ner examples", err);
        Assert.Contains("skipped 2 invalid records", err);
        Assert.Equal("Ann\tB-PER\nmet\tO\nBob\tO\n\nRome\tB-LOC\n\n", File.ReadAllText(output));
    }

    [Fact]
    public async Task ConvertRejectsASpanThatCannotBeTokenAligned()
    {
        using var files = new DataTestFiles();
        var input = files.Write("in.jsonl", "{\"text\":\"x\",\"spans\":[]}\n{\"text\":\"New-York\",\"spans\":[{\"start\":0,\"end\":3,\"label\":\"LOC\"}]}\n");
        var (code, _, err) = await Run("data", "convert", "--in", input, "--out", files.PathOf("o.conll"));
        Assert.Equal(1, code);
        Assert.Equal($"error: {input}:2: field 'spans[0]': ends at 3 inside the token 'New-York'; CoNLL can only hold spans on token boundaries", err.Trim());
    }

    [Fact]
    public async Task ValidateReportsEveryProblemAndSetsTheExitCode()
    {
        using var files = new DataTestFiles();
        var schema = files.Write("labels.json", "{\"task\":\"ner\",\"labels\":[{\"name\":\"PER\",\"description\":\"people\"}]}");
        var good = files.Write("good.jsonl", "{\"text\":\"Ann\",\"spans\":[{\"start\":0,\"end\":3,\"label\":\"PER\"}]}\n");
        var bad = files.Write("bad.jsonl",
            "{\"text\":\"Ann in Rome\",\"spans\":[{\"start\":0,\"end\":3,\"label\":\"PER\"},{\"start\":7,\"end\":11,\"label\":\"LOC\"}]}\n" +
            "{\"text\":\"\",\"spans\":[]}\n");

        var (code, stdout, _) = await Run("data", "validate", good, "--schema", schema);
        Assert.Equal(0, code);
        Assert.Contains("1 records, 0 invalid; 0 errors, 0 warnings - valid", stdout);

        (code, stdout, _) = await Run("data", "validate", bad, "--schema", schema);
        Assert.Equal(1, code);
        Assert.Equal(
            [$"{bad}:1: field 'spans[1].label': 'LOC' is not in the schema (labels: PER)", $"{bad}:2: field 'text': empty", $"{bad}: 2 records, 2 invalid; 2 errors, 0 warnings"],
            stdout.Trim().Split('\n'));

        (code, stdout, _) = await Run("data", "validate", bad, "--json");
        Assert.Equal(1, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.False(json.RootElement.GetProperty("valid").GetBoolean());
        var error = json.RootElement.GetProperty("errors").EnumerateArray().Single();
        Assert.Equal((2, "text", "empty"), (error.GetProperty("line").GetInt32(), error.GetProperty("field").GetString(), error.GetProperty("problem").GetString()));
    }

    [Fact]
    public async Task StatsPrintsATableAndJson()
    {
        var sample = DataTestFiles.Sample("banking77.csv");
        var (code, stdout, _) = await Run("data", "stats", sample);
        Assert.Equal(0, code);
        Assert.Contains("classification, 12 examples", stdout);
        Assert.Matches(@"card_arrival\s+6\s+50\.0%", stdout);

        (code, stdout, _) = await Run("data", "stats", DataTestFiles.Sample("crossner_ai.txt"), "--json");
        Assert.Equal(0, code);
        var root = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(("ner", 6), (root.GetProperty("task").GetString(), root.GetProperty("examples").GetInt32()));
        var lines = File.ReadAllLines(DataTestFiles.Sample("crossner_ai.txt"));
        Assert.Equal(lines.Count(l => l.Contains("\tB-")), root.GetProperty("entities").GetInt32());
        Assert.Equal(lines.Count(l => l.Length > 0), (int)Math.Round(root.GetProperty("tokens").GetProperty("mean").GetDouble() * 6));
    }

    [Fact]
    public async Task SchemaInferWritesTheLabelsOfADataSet()
    {
        using var files = new DataTestFiles();
        var output = files.PathOf("labels.json");
        var (code, _, _) = await Run("data", "schema", "infer", DataTestFiles.Sample("bc5cdr.tsv"), "--out", output);
        Assert.Equal(0, code);
        var schema = await Locus.Data.LabelSchemaFile.LoadAsync(output);
        Assert.Equal(["Chemical", "Disease"], schema.Labels.Select(l => l.Name));
    }

    [Fact]
    public async Task UsageErrorsExitWithTwoAndNoStackTrace()
    {
        using var files = new DataTestFiles();
        var (code, _, err) = await Run("data", "validate", files.PathOf("missing.jsonl"));
        Assert.Equal(2, code);
        Assert.Equal($"error: Input file not found: {files.PathOf("missing.jsonl")}", err.Trim());

        Assert.Equal(2, (await Run("data", "convert", "--in", "a.jsonl")).Code);
        Assert.Equal(2, (await Run("data", "convert", "--in", "a.jsonl", "--out", "b.conll", "--scheme", "iob")).Code);

        var input = files.Write("in.jsonl", "{\"text\":\"a\",\"label\":\"x\"}\n");
        (code, _, err) = await Run("data", "convert", "--in", input, "--out", files.PathOf("o.jsonl"), "--scheme", "bioes");
        Assert.Equal(2, code);
        Assert.Contains("--scheme sets the tag scheme of a CoNLL output", err);

        (code, _, err) = await Run("data", "convert", "--in", input, "--out", files.PathOf("o.conll"));
        Assert.Equal(1, code);
        Assert.Contains("holds classification data, which conll files cannot hold", err);
        Assert.DoesNotContain("   at ", err);

        (code, _, err) = await Run("data", "stats", files.Write("x.dat", "a"));
        Assert.Equal(1, code);
        Assert.Contains("give it with --from", err);
    }

    [Theory]
    [InlineData("data")]
    [InlineData("data", "convert")]
    [InlineData("data", "validate")]
    [InlineData("data", "stats")]
    [InlineData("data", "schema", "infer")]
    public async Task EveryCommandHasHelp(params string[] command)
    {
        var (code, stdout, _) = await Run([.. command, "--help"]);
        Assert.Equal(0, code);
        Assert.Contains("Usage:", stdout);
    }
}
