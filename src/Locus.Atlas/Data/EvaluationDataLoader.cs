namespace Locus.Atlas.Data;

/// <summary>Options for <see cref="EvaluationDataLoader"/>.</summary>
public sealed class EvaluationLoadOptions
{
    /// <summary>Layout of CSV matrices.</summary>
    public MatrixOrientation Orientation { get; set; } = MatrixOrientation.Auto;

    /// <summary>When set, scores above this value become 1 and the others 0 (e.g. 1.5 for AlpacaEval preferences in [1, 2]).</summary>
    public double? BinarizeAbove { get; set; }

    /// <summary>Optional JSONL file of query texts to attach.</summary>
    public string? QueryTextsPath { get; set; }
}

/// <summary>Loads evaluation files (<c>.jsonl</c> records or <c>.csv</c> matrices) into one table.</summary>
public static class EvaluationDataLoader
{
    /// <summary>Reads every file into one table; a model/query pair seen twice across files is an error.</summary>
    public static EvaluationTable Load(IEnumerable<string> paths, EvaluationLoadOptions? options = null)
    {
        options ??= new EvaluationLoadOptions();
        var builder = new EvaluationTableBuilder();
        foreach (var path in paths)
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"evaluation file not found: {path}");
            if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
                EvaluationMatrixCsvReader.ReadInto(path, builder, options.Orientation, options.BinarizeAbove);
            else if (path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                EvaluationJsonlReader.ReadInto(path, builder, options.BinarizeAbove);
            else throw new LocusException($"{path}: unknown evaluation format (expected .jsonl records or a .csv matrix)");
        }
        var table = builder.Build();
        if (options.QueryTextsPath is { } textsPath)
        {
            if (!File.Exists(textsPath)) throw new FileNotFoundException($"query texts file not found: {textsPath}");
            table = table.WithTexts(QueryTextReader.Read(textsPath, table.ContainsQuery));
        }
        return table;
    }
}
