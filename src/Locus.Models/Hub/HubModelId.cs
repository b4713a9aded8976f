using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Locus.Models.Hub;

/// <summary>
/// A model repository on the hub and the revision to use: <c>org/name</c> or <c>org/name@revision</c>
/// (a branch, a tag or a 40-character commit sha; <c>main</c> when absent).
/// </summary>
public sealed partial record HubModelId
{
    /// <summary>The revision used when none is given.</summary>
    public const string DefaultRevision = "main";

    /// <summary>Creates an id after checking both parts; throws <see cref="LocusException"/> when either is malformed.</summary>
    public HubModelId(string repoId, string revision = DefaultRevision)
    {
        if (!IsValidRepoId(repoId))
            throw new LocusException($"'{repoId}' is not a Hugging Face model id: expected 'org/name' (letters, digits, '-', '_', '.'; at most 96 characters per part, no '--' or '..').");
        if (!IsValidRevision(revision))
            throw new LocusException($"'{revision}' is not a valid revision for {repoId}: expected a branch, a tag or a commit sha.");
        RepoId = repoId;
        Revision = revision;
    }

    /// <summary>The repository, <c>org/name</c> (or a single legacy name such as <c>bert-base-uncased</c>).</summary>
    public string RepoId { get; }

    /// <summary>The branch, tag or commit sha.</summary>
    public string Revision { get; }

    /// <summary>True when <see cref="Revision"/> is a full commit sha, which never moves.</summary>
    public bool IsCommit => IsCommitSha(Revision);

    /// <summary>The cache folder name huggingface_hub uses: <c>models--org--name</c>.</summary>
    public string CacheFolderName => "models--" + RepoId.Replace("/", "--", StringComparison.Ordinal);

    /// <summary>Parses <c>org/name[@revision]</c>; throws <see cref="LocusException"/> naming the problem.</summary>
    public static HubModelId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var at = text.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? new HubModelId(text) : new HubModelId(text[..at], text[(at + 1)..]);
    }

    /// <summary>Parses like <see cref="Parse"/> but returns false instead of throwing.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out HubModelId? id)
    {
        id = null;
        if (text is null) return false;
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var repo = at < 0 ? text : text[..at];
        var revision = at < 0 ? DefaultRevision : text[(at + 1)..];
        if (!IsValidRepoId(repo) || !IsValidRevision(revision)) return false;
        id = new HubModelId(repo, revision);
        return true;
    }

    /// <summary>True for a 40-character lowercase hexadecimal commit sha.</summary>
    public static bool IsCommitSha(string text) => CommitShaPattern().IsMatch(text);

    /// <inheritdoc />
    public override string ToString() => Revision == DefaultRevision ? RepoId : $"{RepoId}@{Revision}";

    private static bool IsValidRepoId(string repoId) =>
        RepoIdPattern().IsMatch(repoId) && !repoId.Contains("--", StringComparison.Ordinal) && !repoId.Contains("..", StringComparison.Ordinal);

    // The revision becomes a path under refs/ in the cache, so it must not climb out of it.
    private static bool IsValidRevision(string revision) =>
        revision.Length > 0
        && !revision.StartsWith('/') && !revision.EndsWith('/')
        && !revision.Split('/').Any(part => part is "" or "." or "..")
        && !revision.Any(c => char.IsControl(c) || c == '\\' || char.IsWhiteSpace(c));

    // Each part starts and ends with a letter, digit or '_' (huggingface_hub's validate_repo_id).
    [GeneratedRegex(@"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.\-]{0,94}[A-Za-z0-9_])?/)?[A-Za-z0-9_](?:[A-Za-z0-9_.\-]{0,94}[A-Za-z0-9_])?$")]
    private static partial Regex RepoIdPattern();

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitShaPattern();
}
