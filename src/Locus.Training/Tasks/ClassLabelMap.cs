using Locus.Data;

namespace Locus.Training.Tasks;

/// <summary>
/// The labels of a sequence-classification model and their ids, in the schema's order; <see cref="Labels"/> is the
/// <c>id2label</c> list written to config.json.
/// </summary>
public sealed class ClassLabelMap
{
    private readonly string[] _labels;
    private readonly Dictionary<string, int> _ids;

    /// <summary>Creates the map; the id of a label is its position.</summary>
    /// <exception cref="ArgumentException">A label is empty or repeated, or there are none.</exception>
    public ClassLabelMap(IEnumerable<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        _labels = labels.ToArray();
        if (_labels.Length == 0) throw new ArgumentException("A classification label map needs at least one label.", nameof(labels));
        _ids = new Dictionary<string, int>(_labels.Length, StringComparer.Ordinal);
        for (var i = 0; i < _labels.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(_labels[i])) throw new ArgumentException($"Label {i} is empty.", nameof(labels));
            if (!_ids.TryAdd(_labels[i], i)) throw new ArgumentException($"Label '{_labels[i]}' appears twice.", nameof(labels));
        }
    }

    /// <summary>The map for the labels of a classification schema, in the schema's order.</summary>
    /// <exception cref="LocusException">The schema is not a classification schema.</exception>
    public static ClassLabelMap FromSchema(LabelSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (schema.Task != DataTask.Classification)
            throw new LocusException($"A class label map needs a classification schema, but the schema is for {schema.Task.ToName()}.");
        return new ClassLabelMap(schema.Labels.Select(l => l.Name));
    }

    /// <summary>The label of every id (<c>id2label</c>).</summary>
    public IReadOnlyList<string> Labels => _labels;

    /// <summary>The number of labels: the width of the classification head.</summary>
    public int Count => _labels.Length;

    /// <summary>The id of a label, or null when the map does not know it.</summary>
    public int? TryIdOf(string label) => _ids.TryGetValue(label, out var id) ? id : null;
}
