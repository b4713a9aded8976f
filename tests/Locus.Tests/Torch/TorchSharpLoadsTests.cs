using static TorchSharp.torch;

namespace Locus.Tests.Torch;

/// <summary>Proves the native TorchSharp stack loads on this machine (the Debian 12 GLIBCXX fix) and computes.</summary>
public class TorchSharpLoadsTests
{
    [Fact]
    public void MatmulMatchesHandComputedResult()
    {
        using var a = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        using var b = tensor(new float[] { 7, 8, 9, 10, 11, 12 }, 3, 2);
        using var c = a.matmul(b);
        // [1 2 3; 4 5 6] x [7 8; 9 10; 11 12] = [58 64; 139 154]
        Assert.Equal(new float[] { 58, 64, 139, 154 }, c.data<float>().ToArray());
    }
}
