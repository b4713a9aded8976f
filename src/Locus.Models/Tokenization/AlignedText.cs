namespace Locus.Models.Tokenization;

/// <summary>
/// A normalised string in which every UTF-16 unit remembers the span of the original text it came from, so token
/// offsets can be mapped back to the original exactly. Reused per thread to avoid allocations per call.
/// </summary>
internal sealed class AlignedText
{
    [ThreadStatic]
    private static AlignedText? s_perThread;

    private char[] _chars = new char[256];
    private int[] _originStart = new int[256];
    private int[] _originEnd = new int[256];

    public int Length { get; private set; }

    public ReadOnlySpan<char> Chars => _chars.AsSpan(0, Length);

    /// <summary>The cleared per-thread instance.</summary>
    public static AlignedText Rent()
    {
        var text = s_perThread ??= new AlignedText();
        text.Length = 0;
        return text;
    }

    public char this[int index] => _chars[index];

    public int OriginStart(int index) => _originStart[index];

    public int OriginEnd(int index) => _originEnd[index];

    public void Append(char c, int originStart, int originEnd)
    {
        if (Length == _chars.Length)
        {
            Grow();
        }

        _chars[Length] = c;
        _originStart[Length] = originStart;
        _originEnd[Length] = originEnd;
        Length++;
    }

    public void Append(ReadOnlySpan<char> chars, int originStart, int originEnd)
    {
        foreach (var c in chars)
        {
            Append(c, originStart, originEnd);
        }
    }

    private void Grow()
    {
        var size = _chars.Length * 2;
        Array.Resize(ref _chars, size);
        Array.Resize(ref _originStart, size);
        Array.Resize(ref _originEnd, size);
    }
}
