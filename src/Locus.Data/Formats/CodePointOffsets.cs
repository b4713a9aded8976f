namespace Locus.Data;

/// <summary>
/// Converts between Unicode code-point offsets (what Python's <c>str</c> indexing and the JSONL files use)
/// and UTF-16 code-unit offsets (what .NET strings use). They differ only after a character outside the
/// Basic Multilingual Plane (emoji, for instance), which takes two UTF-16 code units.
/// </summary>
public sealed class CodePointOffsets
{
    // Cumulative count of surrogate pairs before each UTF-16 index; null when the text has none.
    private readonly int[]? _pairsBefore;
    private readonly string _text;

    /// <summary>Prepares the conversions for <paramref name="text"/>.</summary>
    public CodePointOffsets(string text)
    {
        _text = text;
        CodePointLength = text.Length;
        if (!text.Any(char.IsHighSurrogate)) return;
        _pairsBefore = new int[text.Length + 1];
        var pairs = 0;
        for (var i = 0; i < text.Length; i++)
        {
            _pairsBefore[i] = pairs;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) pairs++;
        }
        _pairsBefore[text.Length] = pairs;
        CodePointLength = text.Length - pairs;
        if (pairs == 0) _pairsBefore = null;
    }

    /// <summary>Number of code points in the text.</summary>
    public int CodePointLength { get; }

    /// <summary>
    /// The UTF-16 index of code point <paramref name="codePoint"/>. Offsets outside the text map to
    /// offsets equally far outside it, so that range checks done afterwards still report them.
    /// </summary>
    public int ToUtf16(int codePoint)
    {
        if (_pairsBefore is null || codePoint <= 0) return codePoint;
        if (codePoint >= CodePointLength) return _text.Length + (codePoint - CodePointLength);
        // Smallest UTF-16 index i with i - pairsBefore[i] == codePoint that is not the low half of a pair.
        int lo = codePoint, hi = Math.Min(_text.Length, codePoint * 2);
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (mid - _pairsBefore[mid] < codePoint) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>
    /// The code-point index of UTF-16 index <paramref name="utf16"/>; null when the index falls between the two
    /// halves of a surrogate pair (no code-point offset can express it). Out-of-range offsets map outwards.
    /// </summary>
    public int? ToCodePoint(int utf16)
    {
        if (_pairsBefore is null || utf16 <= 0) return utf16;
        if (utf16 >= _text.Length) return CodePointLength + (utf16 - _text.Length);
        if (char.IsLowSurrogate(_text[utf16]) && char.IsHighSurrogate(_text[utf16 - 1])) return null;
        return utf16 - _pairsBefore[utf16];
    }
}
