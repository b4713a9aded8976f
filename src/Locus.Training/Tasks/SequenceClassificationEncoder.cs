using Locus.Data;
using Locus.Models.Tokenization;

namespace Locus.Training.Tasks;

/// <summary>Turns classification examples into windows with class-index or multi-hot targets.</summary>
public sealed class SequenceClassificationEncoder
{
    private readonly ITextTokenizer _tokenizer;

    /// <summary>Creates an encoder.</summary>
    /// <exception cref="ArgumentException">The window settings leave no room for text with this tokenizer's template.</exception>
    public SequenceClassificationEncoder(ITextTokenizer tokenizer, ClassLabelMap labels, SequenceClassificationOptions? options = null)
    {
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        Labels = labels ?? throw new ArgumentNullException(nameof(labels));
        Options = options ?? new SequenceClassificationOptions();
        TokenizedText.Create(tokenizer, "", Options.Windows); // fails now, not on the first example, when the windows cannot work
    }

    /// <summary>The labels.</summary>
    public ClassLabelMap Labels { get; }

    /// <summary>The options.</summary>
    public SequenceClassificationOptions Options { get; }

    /// <summary>Encodes a text without a target, for inference.</summary>
    public ClassificationTextEncoding Encode(string text, int textIndex = 0)
    {
        var tokens = TokenizedText.Create(_tokenizer, text, Options.Windows, textIndex);
        var items = tokens.Windows.Select(w => new SequenceClassificationItem(w, TokenLabels.Ignore, null)).ToArray();
        return new ClassificationTextEncoding(tokens, TokenLabels.Ignore, null, items);
    }

    /// <summary>Encodes a labelled example. A single-label example is a one-hot target in multi-label mode.</summary>
    /// <exception cref="LocusException">A label is unknown, or a multi-label example does not have exactly one label in single-label mode.</exception>
    public ClassificationTextEncoding Encode(ClassificationExample example, int textIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(example);
        var where = example.Id is null ? $"Example {textIndex}" : $"Example {textIndex} (id '{example.Id}')";
        var ids = example.Labels.Select(label => Labels.TryIdOf(label)
            ?? throw new LocusException($"{where}: label '{label}' is not in the label map ({string.Join(", ", Labels.Labels)}).")).ToArray();
        var tokens = TokenizedText.Create(_tokenizer, example.Text, Options.Windows, textIndex);
        int label = TokenLabels.Ignore;
        float[]? targets = null;
        if (Options.MultiLabel)
        {
            targets = new float[Labels.Count];
            foreach (var id in ids) targets[id] = 1f;
        }
        else if (ids.Length == 1)
        {
            label = ids[0];
        }
        else
        {
            throw new LocusException($"{where}: it has {ids.Length} labels, but the task is single-label (set multi-label to train on label sets).");
        }

        var items = tokens.Windows.Select(w => new SequenceClassificationItem(w, label, targets)).ToArray();
        return new ClassificationTextEncoding(tokens, label, targets, items);
    }

    /// <summary>Encodes a data set; text indices are positions in <paramref name="examples"/>.</summary>
    public IReadOnlyList<ClassificationTextEncoding> EncodeAll(IReadOnlyList<ClassificationExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var texts = ParallelMap.Run(examples, (example, index) => Encode(example, index));
        return texts;
    }
}
