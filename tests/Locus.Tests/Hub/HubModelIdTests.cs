using Locus.Models.Hub;

namespace Locus.Tests.Hub;

public sealed class HubModelIdTests
{
    [Theory]
    [InlineData("microsoft/deberta-v3-small", "microsoft/deberta-v3-small", "main", "models--microsoft--deberta-v3-small")]
    [InlineData("google-bert/bert-base-uncased@v1.0", "google-bert/bert-base-uncased", "v1.0", "models--google-bert--bert-base-uncased")]
    [InlineData("bert-base-uncased", "bert-base-uncased", "main", "models--bert-base-uncased")]
    [InlineData("org/name@refs/pr/1", "org/name", "refs/pr/1", "models--org--name")]
    public void ParsesRepositoryRevisionAndCacheFolder(string text, string repo, string revision, string folder)
    {
        var id = HubModelId.Parse(text);

        Assert.Equal(repo, id.RepoId);
        Assert.Equal(revision, id.Revision);
        Assert.Equal(folder, id.CacheFolderName);
        Assert.False(id.IsCommit);
    }

    [Fact]
    public void ACommitShaRevisionIsRecognised()
    {
        var id = HubModelId.Parse("org/name@0123456789abcdef0123456789abcdef01234567");

        Assert.True(id.IsCommit);
        Assert.Equal("org/name@0123456789abcdef0123456789abcdef01234567", id.ToString());
    }

    [Theory]
    [InlineData("a/b/c")]
    [InlineData("org/na me")]
    [InlineData("org/--name")]
    [InlineData("org/na..me")]
    [InlineData("-org/name")]
    [InlineData("org/name@")]
    [InlineData("org/name@../../outside")]
    [InlineData("/abs/path")]
    public void RejectsMalformedIds(string text)
    {
        Assert.False(HubModelId.TryParse(text, out _));
        var error = Assert.Throws<LocusException>(() => HubModelId.Parse(text));
        Assert.Contains("'", error.Message);
    }

    [Fact]
    public void RepositoryPartsLongerThan96CharactersAreRejected()
    {
        Assert.True(HubModelId.TryParse("org/" + new string('a', 96), out _));
        Assert.False(HubModelId.TryParse("org/" + new string('a', 97), out _));
    }
}
