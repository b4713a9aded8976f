using Locus.Cli;
using Locus.Tests.TestSupport;

namespace Locus.Tests.Serving;

/// <summary><c>locus serve</c> on the command line: usage errors are reported before anything starts.</summary>
public class ServeCommandTests
{
    [Fact]
    public async Task AModelPathThatIsNoModelIsAUsageError()
    {
        using var dir = new TempDir();
        var (code, _, err) = await CliRun.Locus("serve", "--model", dir.Path, "--urls", "http://127.0.0.1:0");
        Assert.Equal(LocusCli.Usage, code);
        Assert.Contains("locus_model.json", err);
    }

    [Fact]
    public async Task OutOfRangeLimitsAreRejected()
    {
        var (code, _, err) = await CliRun.Locus("serve", "--model", "x", "--max-batch", "0");
        Assert.Equal(LocusCli.Usage, code);
        Assert.Contains("--max-batch", err);
        Assert.Equal(LocusCli.Usage, (await CliRun.Locus("serve")).Code); // --model is required
    }
}
