namespace Locus.Data;

/// <summary>How token tags mark entity boundaries.</summary>
public enum TagScheme
{
    /// <summary>BIO, also called IOB2: every entity starts with <c>B-</c>, continues with <c>I-</c>.</summary>
    Bio,

    /// <summary>
    /// IOB1 (the original CoNLL-2003 tagging): entities start with <c>I-</c>; <c>B-</c> only marks an entity
    /// that directly follows another of the same type.
    /// </summary>
    Iob1,

    /// <summary>BIOES (IOBES): <c>B-</c> begin, <c>I-</c> inside, <c>E-</c> end, <c>S-</c> single-token entity.</summary>
    Bioes,
}

/// <summary>Parsing and printing of <see cref="TagScheme"/> names.</summary>
public static class TagSchemes
{
    /// <summary>The names accepted on the command line.</summary>
    public const string Names = "bio (iob2), iob1, bioes (iobes)";

    /// <summary>The command-line spelling: <c>bio</c>, <c>iob1</c> or <c>bioes</c>.</summary>
    public static string ToName(this TagScheme scheme) => scheme switch
    {
        TagScheme.Bio => "bio",
        TagScheme.Iob1 => "iob1",
        TagScheme.Bioes => "bioes",
        _ => throw new ArgumentOutOfRangeException(nameof(scheme)),
    };

    /// <summary>
    /// Parses a scheme name; null when unknown. Plain "iob" is rejected on purpose: files labelled IOB are
    /// IOB1 or IOB2 (BIO) equally often, so the caller must say which.
    /// </summary>
    public static TagScheme? TryParse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "bio" or "iob2" => TagScheme.Bio,
        "iob1" => TagScheme.Iob1,
        "bioes" or "iobes" => TagScheme.Bioes,
        _ => null,
    };
}
