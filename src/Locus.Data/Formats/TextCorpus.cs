namespace Locus.Data;

/// <summary>
/// Reads the raw texts of a corpus: plain text files (one text per non-empty line), or the texts of any labelled
/// data file the <see cref="DatasetReader"/> understands (JSONL, CoNLL, CSV), with the labels ignored.
/// </summary>
public static class TextCorpus
{
    static readonly HashSet<string> PlainTextExtensions = new(StringComparer.OrdinalIgnoreCase) { ".txt", ".text", ".raw" };

    /// <summary>Streams the texts of every file in order; a folder contributes its files in name order.</summary>
    public static async IAsyncEnumerable<string> ReadAsync(IEnumerable<string> paths,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var path in paths.SelectMany(Expand))
        {
            if (PlainTextExtensions.Contains(Path.GetExtension(path)))
            {
                using var reader = DataFiles.OpenText(path);
                while (await reader.ReadLineAsync(cancellationToken) is { } line)
                    if (!string.IsNullOrWhiteSpace(line)) yield return line.Trim();
                continue;
            }
            await foreach (var record in DatasetReader.ReadAsync(path, cancellationToken: cancellationToken))
                yield return record.Example.Text;
        }
    }

    static IEnumerable<string> Expand(string path) =>
        Directory.Exists(path) ? Directory.EnumerateFiles(path).Order(StringComparer.Ordinal)
        : File.Exists(path) ? [path]
        : throw new FileNotFoundException($"corpus file or folder '{path}' does not exist", path);
}
