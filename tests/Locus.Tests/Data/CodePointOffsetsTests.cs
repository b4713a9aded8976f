using Locus.Data;

namespace Locus.Tests.Data;

public class CodePointOffsetsTests
{
    [Fact]
    public void MapsBothWaysAroundCharactersOutsideTheBmp()
    {
        // UTF-16: a=0 😀=1,2 b=3 𝄞=4,5 c=6; code points: a=0 😀=1 b=2 𝄞=3 c=4.
        var offsets = new CodePointOffsets("a😀b𝄞c");
        Assert.Equal(5, offsets.CodePointLength);
        Assert.Equal([0, 1, 3, 4, 6, 7], Enumerable.Range(0, 6).Select(offsets.ToUtf16));
        Assert.Equal([0, 1, null, 2, 3, null, 4, 5], Enumerable.Range(0, 8).Select(offsets.ToCodePoint));
    }

    [Fact]
    public void OutOfRangeOffsetsStayOutOfRange()
    {
        var offsets = new CodePointOffsets("😀x");
        Assert.Equal(5, offsets.ToUtf16(4)); // 2 past the end in code points -> 2 past the end in UTF-16
        Assert.Equal(-1, offsets.ToUtf16(-1));
        Assert.Equal(4, offsets.ToCodePoint(5));
    }

    [Fact]
    public void AsciiTextIsTheIdentity()
    {
        var offsets = new CodePointOffsets("plain");
        Assert.Equal((5, 3, 3), (offsets.CodePointLength, offsets.ToUtf16(3), offsets.ToCodePoint(3)!.Value));
    }
}
