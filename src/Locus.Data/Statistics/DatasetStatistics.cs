namespace Locus.Data;

/// <summary>
/// What a data set contains: examples (for CoNLL files, sentences), label counts (entities per type for NER,
/// examples per label for classification), and distributions of text length in characters (Unicode code points)
/// and whitespace tokens, and of entities per example.
/// </summary>
public sealed class DatasetStatistics
{
    /// <summary>The task of the data set.</summary>
    public required DataTask Task { get; init; }

    /// <summary>Number of examples (sentences, for data read from CoNLL).</summary>
    public required int ExampleCount { get; init; }

    /// <summary>Entities per type (NER) or examples per label (classification), most frequent first, then by name.</summary>
    public required IReadOnlyList<KeyValuePair<string, int>> LabelCounts { get; init; }

    /// <summary>Text length in characters (code points).</summary>
    public required Distribution Characters { get; init; }

    /// <summary>Text length in whitespace-separated tokens.</summary>
    public required Distribution Tokens { get; init; }

    /// <summary>Entities per example (NER only; null for classification).</summary>
    public Distribution? SpansPerExample { get; init; }

    /// <summary>Total number of entities (NER only).</summary>
    public int? EntityCount { get; init; }

    /// <summary>Examples with no entity (NER only).</summary>
    public int? ExamplesWithoutEntities { get; init; }

    /// <summary>Examples written with a label list (classification only).</summary>
    public int? MultiLabelExamples { get; init; }

    /// <summary>Computes the statistics in one pass; <paramref name="task"/> is used only when there are no examples.</summary>
    /// <exception cref="DataFormatException">The examples mix NER and classification.</exception>
    public static async Task<DatasetStatistics> ComputeAsync(IAsyncEnumerable<DataRecord> records, DataTask? task = null,
        CancellationToken cancellationToken = default)
    {
        var characters = new List<int>();
        var tokens = new List<int>();
        var spans = new List<int>();
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        var multiLabel = 0;
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            var example = record.Example;
            task ??= example.Task;
            if (example.Task != task)
                throw new DataFormatException(record.Source, record.Line, null, $"a {example.Task.ToName()} example in a {task.Value.ToName()} data set");
            characters.Add(new CodePointOffsets(example.Text).CodePointLength);
            tokens.Add(WhitespaceTokenizer.Count(example.Text));
            IEnumerable<string> names = example switch
            {
                NerExample ner => ner.Spans.Select(s => s.Label),
                ClassificationExample classification => classification.Labels,
                _ => [],
            };
            if (example is NerExample n) spans.Add(n.Spans.Count);
            if (example is ClassificationExample { IsMultiLabel: true }) multiLabel++;
            foreach (var name in names) labels[name] = labels.GetValueOrDefault(name) + 1;
        }

        var isNer = task == DataTask.Ner;
        return new DatasetStatistics
        {
            Task = task ?? throw new LocusException("The data set is empty and its task is unknown."),
            ExampleCount = characters.Count,
            LabelCounts = labels.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).ToList(),
            Characters = Distribution.Of(characters),
            Tokens = Distribution.Of(tokens),
            SpansPerExample = isNer ? Distribution.Of(spans) : null,
            EntityCount = isNer ? spans.Sum() : null,
            ExamplesWithoutEntities = isNer ? spans.Count(c => c == 0) : null,
            MultiLabelExamples = isNer ? null : multiLabel,
        };
    }
}
