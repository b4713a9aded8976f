namespace Locus.Data;

/// <summary>
/// Guesses the scheme of a tagged file from its sentences: any <c>E-</c>/<c>S-</c> tag means BIOES; otherwise
/// an <c>I-X</c> that does not continue an <c>X</c> entity means IOB1; otherwise BIO. A BIO file and an IOB1
/// file without such a tag decode to the same entities, so the guess never changes what is read.
/// </summary>
public sealed class TagSchemeDetector
{
    private bool _sawBioesTag;
    private bool _sawUnopenedInside;

    /// <summary>Takes one sentence's tags into account (unparsable tags are ignored here; the reader reports them).</summary>
    public void Observe(IReadOnlyList<string> tags)
    {
        var previous = EntityTag.Outside;
        foreach (var text in tags)
        {
            if (EntityTag.TryParse(text) is not { } tag) { previous = EntityTag.Outside; continue; }
            if (tag.Prefix is 'E' or 'S') _sawBioesTag = true;
            if (tag.Prefix == 'I' && (previous.IsOutside || previous.Label != tag.Label)) _sawUnopenedInside = true;
            previous = tag;
        }
    }

    /// <summary>The scheme the sentences seen so far are written in.</summary>
    public TagScheme Result => _sawBioesTag ? TagScheme.Bioes : _sawUnopenedInside ? TagScheme.Iob1 : TagScheme.Bio;

    /// <summary>Detects the scheme of a whole sequence of sentences.</summary>
    public static TagScheme Detect(IEnumerable<IReadOnlyList<string>> sentences)
    {
        var detector = new TagSchemeDetector();
        foreach (var sentence in sentences) detector.Observe(sentence);
        return detector.Result;
    }
}
