using Locus.Data;

namespace Locus.Bench;

/// <summary>A benchmark data set: labelled train and test examples, its labels and task.</summary>
internal sealed record FewShotDataSet(string Name, DataTask Task, IReadOnlyList<Example> Train, IReadOnlyList<Example> Test, IReadOnlyList<string> Labels)
{
    /// <summary>The data sets of ../shared/data by name.</summary>
    public static readonly string[] Names = ["banking77", "trec", "crossner-ai", "crossner-music", "wnut17", "bc5cdr"];

    /// <summary>Loads <paramref name="name"/> from <paramref name="root"/> (../shared/data).</summary>
    public static async Task<FewShotDataSet> LoadAsync(string name, string root)
    {
        string P(string relative) => Path.Combine(root, relative);
        return name switch
        {
            "banking77" => Classification(name, await ReadAsync(P("classification/banking77/train.csv"), DataFormat.Csv), await ReadAsync(P("classification/banking77/test.csv"), DataFormat.Csv)),
            "trec" => Classification(name, Trec(P("classification/trec/TREC.train.all")), Trec(P("classification/trec/TREC.test.all"))),
            "crossner-ai" or "crossner-music" => Ner(name, await ReadAsync(P($"ner/crossner/{name[9..]}/train.txt"), DataFormat.Conll), await ReadAsync(P($"ner/crossner/{name[9..]}/test.txt"), DataFormat.Conll)),
            "wnut17" => Ner(name, await ReadAsync(P("ner/wnut17/train.conll"), DataFormat.Conll), await ReadAsync(P("ner/wnut17/test.conll"), DataFormat.Conll)),
            "bc5cdr" => Ner(name, await ReadAsync(P("ner/bc5cdr/train.tsv"), DataFormat.Conll), await ReadAsync(P("ner/bc5cdr/test.tsv"), DataFormat.Conll)),
            _ => throw new ArgumentException($"unknown data set '{name}' (known: {string.Join(", ", Names)})"),
        };
    }

    static FewShotDataSet Classification(string name, List<Example> train, List<Example> test) =>
        new(name, DataTask.Classification, train, test, train.Cast<ClassificationExample>().SelectMany(e => e.Labels).Distinct().Order(StringComparer.Ordinal).ToList());

    static FewShotDataSet Ner(string name, List<Example> train, List<Example> test) =>
        new(name, DataTask.Ner, train, test, train.Cast<NerExample>().SelectMany(e => e.Spans.Select(s => s.Label)).Distinct().Order(StringComparer.Ordinal).ToList());

    static async Task<List<Example>> ReadAsync(string path, DataFormat format)
    {
        var examples = new List<Example>();
        await foreach (var record in DatasetReader.ReadAsync(path, new DatasetReadOptions { Format = format }))
            if (record.Example.Text.Trim().Length > 0) examples.Add(record.Example);
        return examples;
    }

    // "LABEL_ID text" per line; the source gives no label names, so the ids are the names.
    static List<Example> Trec(string path) =>
        File.ReadLines(path).Where(l => l.Length > 2).Select(l => (Example)new ClassificationExample(l[2..].Trim(), "class" + l[0])).ToList();

    /// <summary>
    /// About <paramref name="perLabel"/> examples per label drawn with <paramref name="seed"/>: classification takes
    /// that many of each label; NER adds shuffled sentences that hold the rarest label still short of its count
    /// until every label has <paramref name="perLabel"/> mentions (or the data runs out).
    /// </summary>
    public IReadOnlyList<Example> Sample(int perLabel, int seed)
    {
        var random = new Random(seed);
        var shuffled = Train.ToArray();
        random.Shuffle(shuffled);
        if (Task == DataTask.Classification)
            return shuffled.Cast<ClassificationExample>().GroupBy(e => e.Labels[0]).OrderBy(g => g.Key, StringComparer.Ordinal)
                .SelectMany(g => g.Take(perLabel)).Cast<Example>().ToList();
        var counts = Labels.ToDictionary(l => l, _ => 0, StringComparer.Ordinal);
        var chosen = new List<Example>();
        var used = new HashSet<int>();
        while (counts.Where(c => c.Value < perLabel).OrderBy(c => c.Value).Select(c => c.Key).FirstOrDefault() is { } needed)
        {
            var index = -1;
            for (var i = 0; i < shuffled.Length; i++)
                if (!used.Contains(i) && ((NerExample)shuffled[i]).Spans.Any(s => s.Label == needed)) { index = i; break; }
            if (index < 0) { counts[needed] = perLabel; continue; } // the data has no more of this label
            used.Add(index);
            chosen.Add(shuffled[index]);
            foreach (var span in ((NerExample)shuffled[index]).Spans) counts[span.Label]++;
        }
        return chosen;
    }
}
