using System.Runtime.CompilerServices;
using System.Text;

namespace Locus.Data;

/// <summary>
/// Imports CoNLL-style token-per-line NER files (BIO, IOB1 or BIOES tags) as <see cref="NerExample"/>s: the
/// text of a sentence is its tokens joined by single spaces, and each entity becomes a character span.
/// </summary>
public static class ConllReader
{
    /// <summary>
    /// Streams the sentences of a file. <paramref name="scheme"/> null: detected first with
    /// <see cref="DetectSchemeAsync"/> (one extra pass over the file).
    /// </summary>
    public static async IAsyncEnumerable<DataRecord> ReadFileAsync(string path, TagScheme? scheme = null,
        ValidationReport? report = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var actual = scheme ?? await DetectSchemeAsync(path, cancellationToken);
        using var reader = DataFiles.OpenText(path);
        await foreach (var record in ReadAsync(reader, path, actual, report, cancellationToken)) yield return record;
    }

    /// <summary>Detects the tag scheme of a file; see <see cref="TagSchemeDetector"/>.</summary>
    public static async Task<TagScheme> DetectSchemeAsync(string path, CancellationToken cancellationToken = default)
    {
        using var reader = DataFiles.OpenText(path);
        var detector = new TagSchemeDetector();
        await foreach (var sentence in ConllSentenceSplitter.SplitAsync(reader, path, cancellationToken)) detector.Observe(sentence.Tags);
        return detector.Result;
    }

    /// <summary>
    /// Streams the sentences of CoNLL text written in <paramref name="scheme"/>. A malformed sentence (a line
    /// without a tag, a tag that breaks the scheme) throws <see cref="DataFormatException"/> naming the line,
    /// or, when <paramref name="report"/> is given, is reported there and skipped.
    /// </summary>
    public static async IAsyncEnumerable<DataRecord> ReadAsync(TextReader reader, string source, TagScheme scheme,
        ValidationReport? report = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var sentence in ConllSentenceSplitter.SplitAsync(reader, source, cancellationToken))
        {
            if (sentence.Problem is { } problem)
            {
                RecordRejection.Reject(problem, report);
                continue;
            }
            if (!TagDecoder.TryDecode(sentence.Tags, scheme, out var chunks, out var error))
            {
                RecordRejection.Reject(DataIssue.Error(source, sentence.Lines[error!.TokenIndex], "tag", error.Problem), report);
                continue;
            }
            yield return new DataRecord(ToExample(sentence.Tokens, chunks), source, sentence.FirstLine);
        }
    }

    /// <summary>Joins tokens with single spaces and turns token chunks into character spans.</summary>
    public static NerExample ToExample(IReadOnlyList<string> tokens, IReadOnlyList<TokenChunk> chunks)
    {
        var text = new StringBuilder();
        var starts = new int[tokens.Count];
        for (var i = 0; i < tokens.Count; i++)
        {
            if (i > 0) text.Append(' ');
            starts[i] = text.Length;
            text.Append(tokens[i]);
        }
        var spans = chunks
            .Select(c => new EntitySpan(starts[c.Start], starts[c.End - 1] + tokens[c.End - 1].Length, c.Label))
            .ToList();
        return new NerExample(text.ToString(), spans);
    }
}
