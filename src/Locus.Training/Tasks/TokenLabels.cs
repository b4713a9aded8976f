namespace Locus.Training.Tasks;

/// <summary>Constants shared by the token- and sequence-classification encodings.</summary>
public static class TokenLabels
{
    /// <summary>
    /// The label of a position the loss skips (PyTorch's <c>CrossEntropyLoss(ignore_index=-100)</c>, the value
    /// Hugging Face uses): special tokens, padding and, by default, the non-first sub-tokens of a word.
    /// </summary>
    public const int Ignore = -100;
}
