using System.Text;
using System.Text.Json;

namespace Locus.Retrieval.Ingestion;

/// <summary>
/// Streams documents from files and directories (recursively, in ordinal path order, so line counts are stable
/// across runs and a resume can skip what was consumed). Malformed records throw <see cref="DataFormatException"/>
/// with the file, line and field.
/// </summary>
public sealed class CorpusReader(CorpusFormat format = CorpusFormat.Auto, string textField = "text")
{
    private static readonly HashSet<string> CorpusExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".txt", ".text", ".jsonl", ".ndjson", ".conll", ".bio", ".iob", ".tsv",
    };

    /// <summary>The files <paramref name="inputs"/> expand to; directories contribute files with corpus extensions.</summary>
    public static IReadOnlyList<string> ExpandInputs(IEnumerable<string> inputs)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                var found = Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories)
                    .Where(f => CorpusExtensions.Contains(Path.GetExtension(f)))
                    .Select(Path.GetFullPath)
                    .Order(StringComparer.Ordinal)
                    .ToList();
                if (found.Count == 0) throw new LocusException($"{input}: no corpus files (extensions {string.Join(", ", CorpusExtensions)})");
                files.AddRange(found);
            }
            else if (File.Exists(input)) files.Add(Path.GetFullPath(input));
            else throw new FileNotFoundException($"corpus input not found: {input}", input);
        }
        return files;
    }

    /// <summary>Reads every document of <paramref name="files"/> in order.</summary>
    public IEnumerable<CorpusDocument> Read(IReadOnlyList<string> files, CancellationToken cancellationToken = default)
    {
        long consumedBefore = 0;
        foreach (var file in files)
        {
            var lines = 0L;
            foreach (var document in ReadFile(file, consumedBefore, count => lines = count))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return document;
            }
            consumedBefore += lines;
        }
    }

    /// <summary>The sentences of <paramref name="files"/>: documents split with <see cref="SentenceSplitter"/>.</summary>
    public IEnumerable<string> ReadSentences(IReadOnlyList<string> files, CancellationToken cancellationToken = default) =>
        Read(files, cancellationToken).SelectMany(d => d.IsSentence ? [d.Text] : SentenceSplitter.Split(d.Text));

    private IEnumerable<CorpusDocument> ReadFile(string file, long consumedBefore, Action<long> reportLines)
    {
        var fileFormat = format == CorpusFormat.Auto ? Detect(file) : format;
        using var reader = new Locus.Data.CheckedTextReader(file);   // binary or non-UTF-8 input is an error, not U+FFFD text
        var lineNumber = 0L;
        var tokens = new List<string>();
        var sentenceStart = 0L;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            switch (fileFormat)
            {
                case CorpusFormat.Conll:
                    var trimmed = line.Trim();
                    if (trimmed.Length == 0)
                    {
                        if (tokens.Count > 0) yield return new CorpusDocument(string.Join(' ', tokens), file, sentenceStart, consumedBefore + lineNumber, true);
                        tokens.Clear();
                        continue;
                    }
                    if (trimmed.StartsWith("-DOCSTART-", StringComparison.Ordinal)) continue;
                    if (tokens.Count == 0) sentenceStart = lineNumber;
                    tokens.Add(trimmed.Split((char[]?)['\t', ' '], 2)[0]);
                    break;
                case CorpusFormat.JsonLines:
                    if (string.IsNullOrWhiteSpace(line)) continue;
                    yield return new CorpusDocument(ParseJsonText(file, lineNumber, line), file, lineNumber, consumedBefore + lineNumber, false);
                    break;
                default:
                    if (string.IsNullOrWhiteSpace(line)) continue;
                    yield return new CorpusDocument(line, file, lineNumber, consumedBefore + lineNumber, false);
                    break;
            }
        }
        if (tokens.Count > 0) yield return new CorpusDocument(string.Join(' ', tokens), file, sentenceStart, consumedBefore + lineNumber, true);
        reportLines(lineNumber);
    }

    private string ParseJsonText(string file, long lineNumber, string line)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
                throw new DataFormatException(file, (int)lineNumber, null, "expected a JSON object");
            if (!json.RootElement.TryGetProperty(textField, out var value))
                throw new DataFormatException(file, (int)lineNumber, textField, "missing (use --text-field to name the text field)");
            if (value.ValueKind != JsonValueKind.String)
                throw new DataFormatException(file, (int)lineNumber, textField, $"expected a string, found {value.ValueKind}");
            return value.GetString()!;
        }
        catch (JsonException e)
        {
            throw new DataFormatException(file, (int)lineNumber, null, $"invalid JSON: {e.Message}");
        }
    }

    private static CorpusFormat Detect(string file) => Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".jsonl" or ".ndjson" => CorpusFormat.JsonLines,
        ".conll" or ".bio" or ".iob" or ".tsv" => CorpusFormat.Conll,
        _ => CorpusFormat.Text,
    };
}
