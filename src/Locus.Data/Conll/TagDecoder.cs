namespace Locus.Data;

/// <summary>Turns a sentence's tags into entity chunks, checking that the tags follow their scheme.</summary>
public static class TagDecoder
{
    /// <summary>
    /// Decodes <paramref name="tags"/> written in <paramref name="scheme"/>. Returns false with the first
    /// <paramref name="error"/> when a tag is not a tag or breaks the scheme's rules (BIO: <c>I-X</c> must
    /// continue an <c>X</c> entity; BIOES: every entity is closed by <c>E-</c> or is a single <c>S-</c>).
    /// IOB1 accepts <c>B-X</c> after <c>O</c> too, since its meaning (a new entity) is unambiguous.
    /// </summary>
    public static bool TryDecode(IReadOnlyList<string> tags, TagScheme scheme, out List<TokenChunk> chunks, out TagSequenceError? error)
    {
        chunks = [];
        error = Decode(tags, scheme, chunks);
        return error is null;
    }

    private static TagSequenceError? Decode(IReadOnlyList<string> tags, TagScheme scheme, List<TokenChunk> chunks)
    {
        var openStart = -1;
        var openLabel = "";

        void Close(int end)
        {
            if (openStart >= 0) chunks.Add(new TokenChunk(openStart, end, openLabel));
            openStart = -1;
        }


        for (var i = 0; i < tags.Count; i++)
        {
            if (EntityTag.TryParse(tags[i]) is not { } tag)
                return new TagSequenceError(i, $"'{tags[i]}' is not a tag: expected O, or B-, I-, E-, S- followed by a label");
            if (scheme != TagScheme.Bioes && tag.Prefix is 'E' or 'S')
                return new TagSequenceError(i, $"'{tags[i]}' is a BIOES tag but the file is read as {scheme.ToName().ToUpperInvariant()} (set the input scheme to bioes)");
            var continues = openStart >= 0 && openLabel == tag.Label;
            var bioesOpenProblem = $"the {openLabel} entity opened at token {openStart + 1} is not closed with E-{openLabel} before '{tags[i]}'";

            switch (tag.Prefix)
            {
                case 'O':
                    if (scheme == TagScheme.Bioes && openStart >= 0) return new TagSequenceError(i, bioesOpenProblem);
                    Close(i);
                    break;
                case 'B':
                    if (scheme == TagScheme.Bioes && openStart >= 0) return new TagSequenceError(i, bioesOpenProblem);
                    Close(i);
                    (openStart, openLabel) = (i, tag.Label);
                    break;
                case 'I' when continues:
                    break;
                case 'I' when scheme == TagScheme.Iob1:
                    Close(i);
                    (openStart, openLabel) = (i, tag.Label);
                    break;
                case 'I' when scheme == TagScheme.Bio:
                    return new TagSequenceError(i, $"'{tags[i]}' does not continue a {tag.Label} entity (in BIO every entity starts with B-{tag.Label}; if the file is IOB1, set the input scheme to iob1)");
                case 'I':
                    return new TagSequenceError(i, $"'{tags[i]}' does not continue a {tag.Label} entity opened with B-{tag.Label}");
                case 'E' when continues:
                    Close(i + 1);
                    break;
                case 'E':
                    return new TagSequenceError(i, $"'{tags[i]}' ends a {tag.Label} entity that was not opened with B-{tag.Label}");
                case 'S':
                    if (openStart >= 0) return new TagSequenceError(i, bioesOpenProblem);
                    chunks.Add(new TokenChunk(i, i + 1, tag.Label));
                    break;
            }
        }

        if (scheme == TagScheme.Bioes && openStart >= 0)
            return new TagSequenceError(tags.Count - 1, $"the {openLabel} entity opened at token {openStart + 1} is not closed with E-{openLabel} by the end of the sentence");
        Close(tags.Count);
        return null;
    }
}
