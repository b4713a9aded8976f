using static TorchSharp.torch;

namespace Locus.Training.Pretraining;

/// <summary>
/// BERT's masking for masked-language modelling: a fraction of the real tokens (default 15%) become prediction
/// targets; of those 80% are replaced by [MASK], 10% by a random token and 10% left unchanged.
/// </summary>
public static class MlmMasking
{
    /// <summary>Label value for positions that are not predicted (ignored by the loss).</summary>
    public const long IgnoreIndex = -100;

    /// <summary>
    /// Returns (masked input ids, labels) for <paramref name="inputIds"/> [B, L]; <paramref name="maskable"/> [B, L]
    /// is true for real, non-special tokens. At least one token per sequence with a maskable token is selected,
    /// so no batch is wasted.
    /// </summary>
    public static (Tensor InputIds, Tensor Labels) Mask(Tensor inputIds, Tensor maskable, long maskTokenId, long vocabSize,
        double probability, Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        var draw = rand(inputIds.shape, generator: generator);
        var selected = draw.lt(probability).logical_and(maskable);
        // Guarantee a target per row: the maskable position with the smallest draw.
        var fallback = draw.masked_fill(maskable.logical_not(), 2.0).argmin(1, keepdim: true);
        var rowHasMaskable = maskable.any(1, keepdim: true);
        selected = selected.logical_or(zeros_like(selected).scatter(1, fallback, ones_like(fallback, dtype: ScalarType.Bool)).logical_and(rowHasMaskable));

        var labels = inputIds.masked_fill(selected.logical_not(), IgnoreIndex);
        var decision = rand(inputIds.shape, generator: generator);
        var toMask = selected.logical_and(decision.lt(0.8));
        var toRandom = selected.logical_and(decision.ge(0.8)).logical_and(decision.lt(0.9));
        var randomTokens = randint(vocabSize, inputIds.shape, generator: generator, dtype: ScalarType.Int64);
        var masked = inputIds.masked_fill(toMask, maskTokenId);
        masked = where(toRandom, randomTokens, masked);
        return (masked.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }
}
