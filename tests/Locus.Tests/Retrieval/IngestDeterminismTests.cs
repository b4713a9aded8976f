using Locus.Cli;
using Locus.Tests.TestSupport;

namespace Locus.Tests.Retrieval;

/// <summary>The same corpus ingested twice gives byte-identical index folders (the HNSW graph is built in row order by default).</summary>
public sealed class IngestDeterminismTests
{
    [Fact]
    public async Task IngestingTheSameCorpusTwiceWritesIdenticalBytes()
    {
        using var temp = new TempDirectory();
        var random = new Random(11);
        string[] words = ["bank", "rates", "team", "cup", "frog", "forest", "market", "city", "river", "storm", "vote", "school", "train", "song", "film", "price"];
        File.WriteAllLines(temp.File("c.txt"), Enumerable.Range(0, 1500).Select(i => string.Join(' ', Enumerable.Range(0, 8).Select(_ => words[random.Next(words.Length)])) + $" number {i}."));

        foreach (var index in new[] { "a", "b" })
        {
            var (code, _, error) = await CliRun.Locus("corpus", "ingest", "--in", temp.File("c.txt"), "--index", temp.File(index), "--encoder", "lexical", "--dim", "32",
                "--near-dup", "0", "--batch-size", "64");
            Assert.True(code == LocusCli.Ok, error);
        }

        var files = Directory.GetFiles(temp.File("a")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, Directory.GetFiles(temp.File("b")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var file in files)
            Assert.True(File.ReadAllBytes(Path.Combine(temp.File("a"), file!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(temp.File("b"), file!))), $"{file} differs");
    }
}
