namespace Locus.Retrieval.Embeddings;

/// <summary>Whether this CPU runs bfloat16 matrix products natively (otherwise libtorch emulates them, slower than float32).</summary>
public static class BFloat16Support
{
    private static readonly Lazy<bool> accelerated = new(Detect);

    /// <summary>True when /proc/cpuinfo lists avx512_bf16 or amx_bf16 (Linux); false elsewhere or when unknown.</summary>
    public static bool IsAccelerated => accelerated.Value;

    private static bool Detect()
    {
        try
        {
            var flags = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
            return flags is not null && flags.Split(' ').Any(f => f is "avx512_bf16" or "amx_bf16");
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }
}
