namespace Locus.Data;

/// <summary>
/// The task and the labels of a data set, with optional descriptions. Stored as JSON:
/// <c>{"task": "ner", "labels": [{"name": "PER", "description": "people"}, ...]}</c>; see <see cref="LabelSchemaFile"/>.
/// </summary>
public sealed class LabelSchema
{
    private readonly Dictionary<string, LabelDefinition> _byName;

    /// <summary>Creates a schema; label names must be non-empty and unique.</summary>
    /// <exception cref="ArgumentException">A name is empty or repeated.</exception>
    public LabelSchema(DataTask task, IEnumerable<LabelDefinition> labels)
    {
        Task = task;
        Labels = labels.ToList();
        _byName = new Dictionary<string, LabelDefinition>(StringComparer.Ordinal);
        foreach (var label in Labels)
        {
            if (string.IsNullOrWhiteSpace(label.Name)) throw new ArgumentException("A label name is empty.", nameof(labels));
            if (!_byName.TryAdd(label.Name, label)) throw new ArgumentException($"Label '{label.Name}' is listed twice.", nameof(labels));
        }
    }

    /// <summary>The task the labels belong to.</summary>
    public DataTask Task { get; }

    /// <summary>The labels, in file order.</summary>
    public IReadOnlyList<LabelDefinition> Labels { get; }

    /// <summary>Whether <paramref name="name"/> is one of the labels (case-sensitive).</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The definition of a label, or null.</summary>
    public LabelDefinition? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// A schema listing every label used in <paramref name="examples"/>, sorted by name (ordinal), without
    /// descriptions. The task is that of the examples; <paramref name="task"/> is used when there are none.
    /// </summary>
    /// <exception cref="LocusException">The examples mix NER and classification.</exception>
    public static async Task<LabelSchema> InferAsync(IAsyncEnumerable<DataRecord> examples, DataTask? task = null, CancellationToken cancellationToken = default)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var record in examples.WithCancellation(cancellationToken))
        {
            var example = record.Example;
            task ??= example.Task;
            if (example.Task != task)
                throw new DataFormatException(record.Source, record.Line, null, $"a {example.Task.ToName()} example in a {task.Value.ToName()} data set");
            switch (example)
            {
                case NerExample ner:
                    foreach (var span in ner.Spans) names.Add(span.Label);
                    break;
                case ClassificationExample classification:
                    foreach (var label in classification.Labels) names.Add(label);
                    break;
            }
        }
        names.Remove("");
        return new LabelSchema(task ?? throw new LocusException("Cannot infer a label schema from an empty data set without a task."),
            names.Select(n => new LabelDefinition(n)));
    }
}
