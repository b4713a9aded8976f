namespace Locus.Training.Tasks;

/// <summary>How classification examples become model inputs and targets.</summary>
public sealed record SequenceClassificationOptions
{
    /// <summary>How long texts are cut into windows.</summary>
    public WindowOptions Windows { get; init; } = new();

    /// <summary>
    /// False (default): one label per text, a class index target and softmax. True: any number of labels per text,
    /// multi-hot float targets and a sigmoid per label (Hugging Face's <c>problem_type="multi_label_classification"</c>).
    /// </summary>
    public bool MultiLabel { get; init; }
}
