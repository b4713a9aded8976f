using System.Text.Json.Nodes;
using Locus.Specialization.Runs;
using Locus.Tests.TestSupport;

namespace Locus.Tests.Specialization.Runs;

public class ContentHashTests
{
    // sha256("abc") and sha256("") from FIPS 180-2 / coreutils sha256sum.
    private const string AbcSha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Fact]
    public async Task FileHashIsTheSha256OfItsBytes()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("abc.txt"), "abc");
        File.WriteAllText(dir.File("empty.txt"), "");

        var abc = await ContentHash.OfFileAsync(dir.File("abc.txt"));
        var empty = await ContentHash.OfPathAsync(dir.File("empty.txt"));

        Assert.Equal(AbcSha256, abc.Sha256);
        Assert.Equal(3, abc.Bytes);
        Assert.Null(abc.Files);
        Assert.Equal(EmptySha256, empty.Sha256);
        Assert.Equal(0, empty.Bytes);
    }

    [Fact]
    public async Task FolderHashIsTheSha256OfTheSortedSha256sumListing()
    {
        using var dir = new TempDir();
        var folder = Path.Combine(dir.Path, "model");
        Directory.CreateDirectory(Path.Combine(folder, "sub"));
        Directory.CreateDirectory(Path.Combine(folder, "empty-folder"));
        File.WriteAllText(Path.Combine(folder, "sub", "b.txt"), "");
        File.WriteAllText(Path.Combine(folder, "a.txt"), "abc");

        var hashed = await ContentHash.OfPathAsync(folder);

        // sha256 of "ba78...ad  a.txt\ne3b0...55  sub/b.txt\n", computed with Python's hashlib.
        Assert.Equal("7fa174ec633d9dd026791655bcede544783962588e3b79ef7ff0b3347b298d1d", hashed.Sha256);
        Assert.Equal(3, hashed.Bytes);
        Assert.Equal(2, hashed.Files);
    }

    [Fact]
    public async Task FolderHashChangesWhenAFileIsRenamedOrEdited()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("a.txt"), "abc");
        var before = (await ContentHash.OfFolderAsync(dir.Path)).Sha256;

        File.Move(dir.File("a.txt"), dir.File("c.txt"));
        var renamed = (await ContentHash.OfFolderAsync(dir.Path)).Sha256;
        File.WriteAllText(dir.File("c.txt"), "abd");
        var edited = (await ContentHash.OfFolderAsync(dir.Path)).Sha256;

        Assert.Equal(3, new[] { before, renamed, edited }.Distinct().Count());
    }

    [Fact]
    public void JsonHashIgnoresKeyOrderAndWhitespace()
    {
        var one = JsonNode.Parse("""{ "b": { "d": "x", "c": null }, "a": [1, 2] }""");
        var two = JsonNode.Parse("""{"a":[1,2],"b":{"c":null,"d":"x"}}""");

        // sha256 of the canonical text {"a":[1,2],"b":{"c":null,"d":"x"}}, computed with Python's hashlib.
        Assert.Equal("daf8b0a2c35be3d034651c198a9a20a5094a21b177514cadf9c767c560cd70d7", ContentHash.OfJson(one));
        Assert.Equal(ContentHash.OfJson(one), ContentHash.OfJson(two));
        Assert.NotEqual(ContentHash.OfJson(one), ContentHash.OfJson(JsonNode.Parse("""{"a":[2,1],"b":{"c":null,"d":"x"}}""")));
    }

    [Fact]
    public async Task MissingPathIsReported()
    {
        using var dir = new TempDir();
        var e = await Assert.ThrowsAsync<FileNotFoundException>(() => ContentHash.OfPathAsync(dir.File("nope")));
        Assert.Contains("nope", e.Message);
    }
}
