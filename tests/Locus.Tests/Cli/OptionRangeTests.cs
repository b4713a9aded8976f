using Locus.Tests.TestSupport;

namespace Locus.Tests.Cli;

/// <summary>Out-of-range numbers are usage errors at parse time: exit 2, one line naming the option and its range, no stack trace.</summary>
public sealed class OptionRangeTests
{
    [Theory]
    [InlineData("--rank must be between 1 and 4096 (got 0)", "train", "--rank", "0")]
    [InlineData("--lora-dropout must be between 0 and 0.999 (got 1.5)", "train", "--lora-dropout", "1.5")]
    [InlineData("--batch-size must be at least 1 (got 0)", "train", "--batch-size", "0")]
    [InlineData("--alpha must be greater than 0 (got 0)", "train", "--alpha", "0")]
    [InlineData("--lr must be greater than 0 (got -0.001)", "specialize", "--lr", "-0.001")]
    [InlineData("--warmup must be between 0 and 0.999 (got 1)", "train", "--warmup", "1")]
    [InlineData("--epochs must be at least 1 (got 0)", "specialize", "--epochs", "0")]
    [InlineData("--batch-size must be at least 1 (got 0)", "eval", "--batch-size", "0")]
    [InlineData("--batch-size must be at least 1 (got 0)", "predict", "--batch-size", "0")]
    [InlineData("--batch-size must be at least 1 (got 0)", "corpus", "ingest", "--batch-size", "0")]
    [InlineData("--neighbours must be between 1 and 10000 (got 0)", "specialize", "--neighbours", "0")]
    [InlineData("--pseudo-threshold must be between 0 and 1 (got 1.5)", "specialize", "--pseudo-threshold", "1.5")]
    [InlineData("--self-training-rounds must be between 0 and 100 (got -1)", "specialize", "--self-training-rounds", "-1")]
    [InlineData("--dev-fraction must be greater than 0 and at most 0.9 (got 0)", "specialize", "--dev-fraction", "0")]
    [InlineData("--hnsw-threads must be between 1 and 1024 (got 0)", "corpus", "ingest", "--hnsw-threads", "0")]
    [InlineData("--epochs must be at least 1 (got 0)", "pretrain", "--epochs", "0")]
    public async Task OutOfRangeIsAUsageErrorNamingTheOption(string message, params string[] args)
    {
        var (code, _, error) = await CliRun.Locus(args);
        Assert.Equal(2, code);
        Assert.Contains($"error: {message}", error);
        Assert.DoesNotContain("   at ", error);
    }
}
