namespace Locus.Data;

/// <summary>Turns entity chunks into one tag per token in a chosen scheme.</summary>
public static class TagEncoder
{
    /// <summary>
    /// Tags <paramref name="tokenCount"/> tokens. <paramref name="chunks"/> must be sorted, non-overlapping
    /// and within the sentence (the CoNLL writer checks this and names the offending span).
    /// </summary>
    public static string[] Encode(int tokenCount, IReadOnlyList<TokenChunk> chunks, TagScheme scheme)
    {
        var tags = new string[tokenCount];
        Array.Fill(tags, "O");
        TokenChunk? previous = null;
        foreach (var chunk in chunks)
        {
            if (chunk.Start < 0 || chunk.End > tokenCount || chunk.Start >= chunk.End || (previous is { } p && p.End > chunk.Start))
                throw new ArgumentException($"Chunk {chunk} is out of order, empty, overlapping or outside {tokenCount} tokens.", nameof(chunks));
            for (var i = chunk.Start; i < chunk.End; i++) tags[i] = "I-" + chunk.Label;
            switch (scheme)
            {
                case TagScheme.Bio:
                    tags[chunk.Start] = "B-" + chunk.Label;
                    break;
                case TagScheme.Iob1:
                    // IOB1 needs B- only where the entity touches a previous one of the same type.
                    if (previous is { } before && before.End == chunk.Start && before.Label == chunk.Label)
                        tags[chunk.Start] = "B-" + chunk.Label;
                    break;
                case TagScheme.Bioes when chunk.End - chunk.Start == 1:
                    tags[chunk.Start] = "S-" + chunk.Label;
                    break;
                case TagScheme.Bioes:
                    tags[chunk.Start] = "B-" + chunk.Label;
                    tags[chunk.End - 1] = "E-" + chunk.Label;
                    break;
            }
            previous = chunk;
        }
        return tags;
    }

    /// <summary>Rewrites a valid tag sequence from one scheme into another.</summary>
    /// <exception cref="ArgumentException">The tags are not valid in <paramref name="from"/>.</exception>
    public static string[] Convert(IReadOnlyList<string> tags, TagScheme from, TagScheme to)
    {
        if (!TagDecoder.TryDecode(tags, from, out var chunks, out var error))
            throw new ArgumentException($"Tag {error!.TokenIndex + 1}: {error.Problem}", nameof(tags));
        return Encode(tags.Count, chunks, to);
    }
}
