namespace Locus.Synthesis;

/// <summary>
/// Derives independent, reproducible random seeds from a base seed and coordinates (round, request, example),
/// so that results do not depend on the order in which concurrent work finishes.
/// </summary>
internal static class DeterministicSeed
{
    /// <summary>A non-negative 31-bit seed mixed from the parts with SplitMix64's finaliser.</summary>
    public static int Mix(int seed, params ReadOnlySpan<int> parts)
    {
        var state = unchecked((ulong)seed);
        foreach (var part in parts) state = Finalize(unchecked(state * 0x9E3779B97F4A7C15UL + (ulong)part + 0x632BE59BD9B4E019UL));
        return (int)(Finalize(state) >> 33);
    }

    private static ulong Finalize(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>The items in a random order decided by <paramref name="random"/> (Fisher-Yates on a copy).</summary>
    public static List<T> Shuffled<T>(IEnumerable<T> items, Random random)
    {
        var list = items.ToList();
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
        return list;
    }
}
