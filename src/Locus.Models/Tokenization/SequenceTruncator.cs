namespace Locus.Models.Tokenization;

/// <summary>
/// Hugging Face <c>tokenizers</c>' truncation (<c>truncate_encodings</c> and <c>Encoding::truncate</c>, direction
/// right): shortens the token lists of one text or a pair and returns what was cut as windows of the same length
/// (overlapping by the stride), so nothing is lost.
/// </summary>
internal static class SequenceTruncator
{
    /// <summary>A segment after truncation: the kept tokens and the overflow windows.</summary>
    public readonly record struct Truncated(List<RawToken> Kept, List<List<RawToken>> Overflow);

    /// <summary>Truncates so that <c>first + second</c> fits in <paramref name="maxLength"/> tokens (specials excluded).</summary>
    public static (Truncated First, Truncated? Second) Truncate(
        List<RawToken> first, List<RawToken>? second, int maxLength, int stride, TruncationStrategy strategy)
    {
        var total = first.Count + (second?.Count ?? 0);
        if (strategy == TruncationStrategy.None || total <= maxLength)
        {
            return (Keep(first), second is null ? null : Keep(second));
        }

        var toRemove = total - maxLength;
        switch (strategy)
        {
            case TruncationStrategy.LongestFirst when second is not null:
                var (n1, n2) = LongestFirstLengths(first.Count, second.Count, maxLength);
                return (Window(first, n1, stride), Window(second, n2, stride));
            case TruncationStrategy.LongestFirst:
                return (Window(first, maxLength, stride), null);
            case TruncationStrategy.OnlyFirst:
                if (first.Count <= toRemove)
                {
                    throw TooShort("first", first.Count, toRemove);
                }

                return (Window(first, first.Count - toRemove, stride), second is null ? null : Keep(second));
            case TruncationStrategy.OnlySecond:
                if (second is null)
                {
                    throw new ArgumentException("Truncation only_second needs a text pair, but only one text was given.");
                }

                if (second.Count <= toRemove)
                {
                    throw TooShort("second", second.Count, toRemove);
                }

                return (Keep(first), Window(second, second.Count - toRemove, stride));
            default:
                throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "Unknown truncation strategy.");
        }
    }

    // Rust's rule: if only the longer input must shrink it gets max - shorter; if both must, they share the length
    // and the second one gets the odd token.
    private static (int First, int Second) LongestFirstLengths(int firstCount, int secondCount, int maxLength)
    {
        var swap = firstCount > secondCount;
        var n1 = Math.Min(firstCount, secondCount);
        var n2 = n1 > maxLength ? n1 : Math.Max(n1, maxLength - n1);
        if (n1 + n2 > maxLength)
        {
            n1 = maxLength / 2;
            n2 = n1 + (maxLength % 2);
        }

        return swap ? (n2, n1) : (n1, n2);
    }

    private static Truncated Keep(List<RawToken> tokens) => new(tokens, []);

    private static Truncated Window(List<RawToken> tokens, int maxLength, int stride)
    {
        if (maxLength >= tokens.Count)
        {
            return Keep(tokens);
        }

        if (maxLength == 0)
        {
            return new Truncated([], [tokens]);
        }

        if (stride >= maxLength)
        {
            throw new ArgumentException(
                $"The stride ({stride}) must be smaller than the length left for the text after truncation ({maxLength}).");
        }

        var step = maxLength - stride;
        var windows = new List<List<RawToken>>();
        for (var start = 0; ; start += step)
        {
            var stop = Math.Min(start + maxLength, tokens.Count);
            windows.Add(tokens.GetRange(start, stop - start));
            if (stop == tokens.Count)
            {
                break;
            }
        }

        var kept = windows[0];
        windows.RemoveAt(0);
        return new Truncated(kept, windows);
    }

    private static LocusException TooShort(string which, int count, int toRemove) => new(
        $"Cannot truncate the {which} text: it has {count} tokens but {toRemove} must be removed to reach max_length; " +
        "use longest_first truncation or a larger max_length.");
}
