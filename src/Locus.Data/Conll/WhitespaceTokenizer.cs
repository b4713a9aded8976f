namespace Locus.Data;

/// <summary>Splits text into maximal runs of non-whitespace characters (<see cref="char.IsWhiteSpace(char)"/>).</summary>
public static class WhitespaceTokenizer
{
    /// <summary>The tokens as <c>[Start, End)</c> character ranges, in order.</summary>
    public static List<Range> Tokenize(string text)
    {
        var tokens = new List<Range>();
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i == text.Length) break;
            var start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i])) i++;
            tokens.Add(new Range(start, i));
        }
        return tokens;
    }

    /// <summary>Number of whitespace-separated tokens, without allocating them.</summary>
    public static int Count(string text)
    {
        var count = 0;
        var inToken = false;
        foreach (var c in text)
        {
            var white = char.IsWhiteSpace(c);
            if (!white && !inToken) count++;
            inToken = !white;
        }
        return count;
    }
}
