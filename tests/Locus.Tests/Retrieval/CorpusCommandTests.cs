using System.Text.Json;
using Locus.Cli;

namespace Locus.Tests.Retrieval;

public class CorpusCommandTests
{
    [Fact]
    public async Task IngestSearchAndStatsWorkFromTheCommandLine()
    {
        using var temp = new TempDirectory();
        File.WriteAllLines(temp.File("news.txt"),
        [
            "The central bank raised interest rates again. Markets fell on the news.",
            "A new species of frog was discovered in the rainforest.",
            "The central bank raised interest rates again.",
            "Local team wins the football cup after penalties.",
        ]);
        var index = temp.File("idx");
        var (code, output, error) = await Run("corpus", "ingest", "--in", temp.File("news.txt"), "--index", index, "--dim", "64", "--json");
        Assert.True(code == LocusCli.Ok, error);
        using (var result = JsonDocument.Parse(output))
        {
            Assert.Equal(4, result.RootElement.GetProperty("sentences_added").GetInt64());
            Assert.Equal(1, result.RootElement.GetProperty("exact_duplicates").GetInt64());
        }

        (code, output, _) = await Run("corpus", "search", "--index", index, "--query", "interest rates at the central bank", "-k", "2", "--json");
        Assert.Equal(LocusCli.Ok, code);
        using (var hits = JsonDocument.Parse(output))
        {
            var top = hits.RootElement[0];
            Assert.Equal("The central bank raised interest rates again.", top.GetProperty("text").GetString());
            Assert.Equal(1, top.GetProperty("line").GetInt64());
        }

        (code, output, _) = await Run("corpus", "stats", "--index", index, "--json");
        Assert.Equal(LocusCli.Ok, code);
        using (var stats = JsonDocument.Parse(output))
        {
            Assert.Equal(4, stats.RootElement.GetProperty("rows").GetInt32());
            Assert.True(stats.RootElement.GetProperty("ingestion").GetProperty("completed").GetBoolean());
        }
    }

    [Fact]
    public async Task UserMistakesGiveAMessageAndAnExitCode()
    {
        using var temp = new TempDirectory();
        var (code, _, error) = await Run("corpus", "stats", "--index", temp.File("missing"));
        Assert.Equal(LocusCli.Usage, code);
        Assert.Contains("index directory not found", error);

        Directory.CreateDirectory(temp.File("bad"));
        File.WriteAllBytes(Path.Combine(temp.File("bad"), "index.lvi"), new byte[200]);
        (code, _, error) = await Run("corpus", "stats", "--index", temp.File("bad"));
        Assert.Equal(LocusCli.Failed, code);
        Assert.Contains("not a Locus vector index", error);

        (code, _, _) = await Run("corpus", "search", "--index", temp.File("bad"));
        Assert.Equal(LocusCli.Usage, code);   // --query is required
    }

    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await LocusCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
