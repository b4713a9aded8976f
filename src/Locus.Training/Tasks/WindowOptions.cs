namespace Locus.Training.Tasks;

/// <summary>
/// How a text longer than the encoder accepts is cut into overlapping windows. Nothing is ever truncated: every
/// token of the text lands in at least one window.
/// </summary>
public sealed record WindowOptions
{
    /// <summary>The most tokens one window may hold, special tokens included (the encoder's maximum length). Default 512.</summary>
    public int MaxLength { get; init; } = 512;

    /// <summary>
    /// How many text tokens each window repeats from the end of the previous one (Hugging Face's <c>stride</c>), so
    /// that tokens near a cut still see context. Default 128. Must be smaller than the text tokens a window holds.
    /// </summary>
    public int Stride { get; init; } = 128;

    /// <summary>The text tokens one window holds once <paramref name="specialTokens"/> template tokens are added.</summary>
    /// <exception cref="LocusException">The settings leave no room, or the stride does not leave the windows moving forward.</exception>
    public int TextBudget(int specialTokens)
    {
        if (Stride < 0) throw new LocusException($"The window stride must not be negative (it is {Stride}).");
        var budget = MaxLength - specialTokens;
        if (budget <= Stride)
        {
            throw new LocusException(
                $"A window of max length {MaxLength} holds {budget} text tokens after {specialTokens} special tokens; " +
                $"the stride ({Stride}) must be smaller than that.");
        }

        return budget;
    }
}
