namespace Locus.Data;

/// <summary>The kind of supervision a data set carries.</summary>
public enum DataTask
{
    /// <summary>Named-entity recognition: character spans with entity types.</summary>
    Ner,

    /// <summary>Text classification: one label per text, or a set of labels (multi-label).</summary>
    Classification,
}

/// <summary>Parses and prints <see cref="DataTask"/> the way files and the command line spell it.</summary>
public static class DataTasks
{
    /// <summary>The spelling used in schema files and on the command line: <c>ner</c> or <c>classification</c>.</summary>
    public static string ToName(this DataTask task) => task switch
    {
        DataTask.Ner => "ner",
        DataTask.Classification => "classification",
        _ => throw new ArgumentOutOfRangeException(nameof(task)),
    };

    /// <summary>Parses <c>ner</c>, <c>classification</c> (or the short forms <c>tc</c>, <c>cls</c>); null when unknown.</summary>
    public static DataTask? TryParse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "ner" => DataTask.Ner,
        "classification" or "tc" or "cls" or "text-classification" => DataTask.Classification,
        _ => null,
    };
}
