namespace Locus.Training.Tasks;

/// <summary>
/// The runs of text tokens that carry one label each: words (the label sits on the word's first token) or single
/// tokens, with the characters each covers in the original text.
/// </summary>
/// <remarks>
/// A unit's character range is that of its tokens with surrounding whitespace trimmed: SentencePiece offsets of
/// <c>▁word</c> pieces may include the space before the word, and an entity never starts with a space. Tokens that
/// cover no character (all but the last byte-fallback piece of a character, a lone <c>▁</c>) are "empty": they
/// sit at a position rather than over a range.
/// </remarks>
public sealed class LabelUnits
{
    private readonly int[] _firstToken;
    private readonly int[] _charStart;
    private readonly int[] _charEnd;
    private readonly bool[] _empty;
    private readonly int[] _searchKey;

    private LabelUnits(int[] firstToken, int[] charStart, int[] charEnd, bool[] empty)
    {
        _firstToken = firstToken;
        _charStart = charStart;
        _charEnd = charEnd;
        _empty = empty;
        // "Ends before character c" is key <= c; a running maximum keeps the binary search valid on odd offsets.
        _searchKey = new int[Count];
        for (int u = 0, max = 0; u < Count; u++)
        {
            max = Math.Max(max, empty[u] ? charStart[u] + 1 : charEnd[u]);
            _searchKey[u] = max;
        }
    }

    /// <summary>The number of units.</summary>
    public int Count => _charStart.Length;

    /// <summary>The text-token index of the unit's first token, which carries its label.</summary>
    public int FirstToken(int unit) => _firstToken[unit];

    /// <summary>The text-token index one past the unit's last token.</summary>
    public int EndToken(int unit) => _firstToken[unit + 1];

    /// <summary>The first character the unit covers (whitespace trimmed); its position when it is empty.</summary>
    public int CharStart(int unit) => _charStart[unit];

    /// <summary>One past the last character the unit covers; equal to <see cref="CharStart"/> when it is empty.</summary>
    public int CharEnd(int unit) => _charEnd[unit];

    /// <summary>Whether the unit covers no character (only empty or whitespace tokens).</summary>
    public bool IsEmpty(int unit) => _empty[unit];

    /// <summary>The index of the unit holding text token <paramref name="token"/>.</summary>
    public int UnitOfToken(int token)
    {
        var index = Array.BinarySearch(_firstToken, 0, Count, token);
        return index >= 0 ? index : ~index - 1;
    }

    /// <summary>Whether the unit shares a character with <c>[start, end)</c> (an empty unit: lies inside it).</summary>
    public bool Overlaps(int unit, int start, int end) => _empty[unit]
        ? start <= _charStart[unit] && _charStart[unit] < end
        : _charStart[unit] < end && start < _charEnd[unit];

    /// <summary>The first unit that does not end before character <paramref name="start"/>.</summary>
    internal int FirstNotBefore(int start)
    {
        int low = 0, high = Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (_searchKey[mid] <= start) low = mid + 1;
            else high = mid;
        }

        return low;
    }

    /// <summary>
    /// Groups the text's tokens into units: one per token when <paramref name="perToken"/>, otherwise the tokenizer's
    /// words, cut further at punctuation when <paramref name="splitAtPunctuation"/>.
    /// </summary>
    public static LabelUnits Build(TokenizedText text, bool perToken, bool splitAtPunctuation)
    {
        ArgumentNullException.ThrowIfNull(text);
        var offsets = text.Offsets;
        var words = text.WordIds;
        var source = text.Text;
        var firstTokens = new List<int>(offsets.Length + 1);
        var starts = new List<int>(offsets.Length);
        var ends = new List<int>(offsets.Length);
        var empties = new List<bool>(offsets.Length);
        var lastCoreEnd = -1; // end of the current unit's last non-empty token, -1 while it has none

        for (var t = 0; t < offsets.Length; t++)
        {
            var (coreStart, coreEnd) = Trim(source, offsets[t].Start, offsets[t].End);
            var hasCore = coreEnd > coreStart;
            var newUnit = t == 0 || perToken || words[t] is null || words[t] != words[t - 1]
                || (splitAtPunctuation && hasCore && lastCoreEnd >= 0
                    && (IsPunctuation(source[coreStart]) || IsPunctuation(source[lastCoreEnd - 1])));
            if (newUnit)
            {
                firstTokens.Add(t);
                starts.Add(coreStart);
                ends.Add(coreStart);
                empties.Add(true);
                lastCoreEnd = -1;
            }

            if (!hasCore) continue;
            var u = starts.Count - 1;
            if (empties[u])
            {
                starts[u] = coreStart;
                empties[u] = false;
            }

            ends[u] = Math.Max(ends[u], coreEnd);
            lastCoreEnd = coreEnd;
        }

        firstTokens.Add(offsets.Length);
        return new LabelUnits([.. firstTokens], [.. starts], [.. ends], [.. empties]);
    }

    private static (int Start, int End) Trim(string text, int start, int end)
    {
        while (start < end && char.IsWhiteSpace(text[start])) start++;
        while (end > start && char.IsWhiteSpace(text[end - 1])) end--;
        return (start, end);
    }

    // BERT's _is_punctuation: Unicode punctuation plus the ASCII symbols ($, +, <, =, >, ^, `, |, ~).
    private static bool IsPunctuation(char c) =>
        c is >= '!' and <= '/' or >= ':' and <= '@' or >= '[' and <= '`' or >= '{' and <= '~' || char.IsPunctuation(c);
}
