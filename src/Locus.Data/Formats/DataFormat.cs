namespace Locus.Data;

/// <summary>The file formats Locus reads and writes.</summary>
public enum DataFormat
{
    /// <summary>One JSON object per line (NER or classification).</summary>
    Jsonl,

    /// <summary>Token-per-line tagged NER (BIO, IOB1, BIOES).</summary>
    Conll,

    /// <summary>Comma-separated classification data.</summary>
    Csv,
}

/// <summary>Names and file extensions of <see cref="DataFormat"/>.</summary>
public static class DataFormats
{
    /// <summary>The names accepted on the command line.</summary>
    public const string Names = "conll, jsonl, csv";

    /// <summary>The command-line spelling.</summary>
    public static string ToName(this DataFormat format) => format.ToString().ToLowerInvariant();

    /// <summary>Parses a format name (<c>conll</c>, <c>bio</c>, <c>jsonl</c>, <c>json</c>, <c>csv</c>); null when unknown.</summary>
    public static DataFormat? TryParse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "conll" or "bio" or "iob" => DataFormat.Conll,
        "jsonl" or "json" or "ndjson" => DataFormat.Jsonl,
        "csv" => DataFormat.Csv,
        _ => null,
    };

    /// <summary>
    /// The format implied by a file's extension: .jsonl/.ndjson, .csv, or .conll/.txt/.bio/.iob/.bioes/.tsv (the
    /// token-TAB-tag layout the NER corpora use); null for anything else.
    /// </summary>
    public static DataFormat? FromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".jsonl" or ".ndjson" => DataFormat.Jsonl,
        ".csv" => DataFormat.Csv,
        ".conll" or ".txt" or ".bio" or ".iob" or ".iob1" or ".iob2" or ".bioes" or ".tsv" => DataFormat.Conll,
        _ => null,
    };

    /// <summary>The given format, else the one implied by the extension.</summary>
    /// <exception cref="LocusException">
    /// Neither is known; the message names the file and <paramref name="option"/>, or, where the command has no format
    /// option (null), the extensions to rename the file to.
    /// </exception>
    public static DataFormat Resolve(string path, DataFormat? format, string? option) =>
        format ?? FromExtension(path)
        ?? throw new LocusException(option is null
            ? $"Cannot tell the format of '{path}' from its extension; name the file .jsonl, .conll or .csv"
            : $"Cannot tell the format of '{path}' from its extension; give it with {option} ({Names}).");

    /// <summary>The task a format holds, when the format fixes it (CoNLL is NER, CSV is classification).</summary>
    public static DataTask? ImpliedTask(this DataFormat format) => format switch
    {
        DataFormat.Conll => DataTask.Ner,
        DataFormat.Csv => DataTask.Classification,
        _ => null,
    };
}
