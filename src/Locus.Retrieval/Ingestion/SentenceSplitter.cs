namespace Locus.Retrieval.Ingestion;

/// <summary>
/// Rule-based sentence splitter. A sentence ends at '.', '!' or '?' (plus closing quotes or brackets) that is
/// followed by whitespace and then an upper-case letter, a digit or an opening quote, unless the period ends
/// a known abbreviation ("Dr.", "e.g."), a single-letter initial ("J. Smith") or a number ("No. 5"). Periods
/// inside tokens (3.14, U.S.) never split because no whitespace follows them.
/// </summary>
public static class SentenceSplitter
{
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "vs", "etc", "inc", "ltd", "co", "corp",
        "dept", "univ", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "fig", "figs", "eq", "eqs", "no", "nos", "vol", "vols", "p", "pp", "ch", "sec", "al", "approx", "cf",
        "gen", "gov", "sen", "rep", "rev", "capt", "col", "lt", "sgt", "est", "ca", "min", "max", "e.g", "i.e",
    };

    /// <summary>Splits <paramref name="text"/> into trimmed, non-empty sentences.</summary>
    public static IEnumerable<string> Split(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is not ('.' or '!' or '?')) continue;
            var end = i + 1;
            while (end < text.Length && text[end] is '.' or '!' or '?' or '"' or '\'' or ')' or ']' or '”' or '’') end++;
            if (end >= text.Length || !char.IsWhiteSpace(text[end])) continue;
            var next = end;
            while (next < text.Length && char.IsWhiteSpace(text[next])) next++;
            if (next >= text.Length) break;
            if (!StartsSentence(text[next])) continue;
            if (text[i] == '.' && end == i + 1 && IsAbbreviation(text, start, i)) continue;
            var sentence = text[start..end].Trim();
            if (sentence.Length > 0) yield return sentence;
            start = next;
            i = next - 1;
        }
        var last = text[start..].Trim();
        if (last.Length > 0) yield return last;
    }

    private static bool StartsSentence(char c) => char.IsUpper(c) || char.IsDigit(c) || c is '"' or '\'' or '“' or '‘' or '(' or '[';

    /// <summary>Whether the word ending just before the period at <paramref name="period"/> is an abbreviation.</summary>
    private static bool IsAbbreviation(string text, int sentenceStart, int period)
    {
        var wordStart = period;
        while (wordStart > sentenceStart && !char.IsWhiteSpace(text[wordStart - 1]) && text[wordStart - 1] is not ('(' or '"')) wordStart--;
        var word = text.AsSpan(wordStart, period - wordStart);
        if (word.Length == 0) return false;
        if (word.Length == 1 && char.IsLetter(word[0])) return true;     // initial: "J. Smith"
        if (word.Contains('.')) return true;                              // "U.S.", "e.g."
        return Abbreviations.Contains(word.ToString());
    }
}
