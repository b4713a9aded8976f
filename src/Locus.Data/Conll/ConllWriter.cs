namespace Locus.Data;

/// <summary>Options of <see cref="ConllWriter"/>.</summary>
public sealed class ConllWriteOptions
{
    /// <summary>The tag scheme to write; BIO by default.</summary>
    public TagScheme Scheme { get; set; } = TagScheme.Bio;

    /// <summary>Separator between token and tag; a tab by default.</summary>
    public char Separator { get; set; } = '\t';
}

/// <summary>
/// Exports NER examples as CoNLL: the text is split on whitespace, each token is written with its tag, and a
/// blank line ends each sentence. Spans must start and end on token boundaries and must not overlap; a span
/// that does not is an error naming the record's line and the span, never dropped.
/// </summary>
public static class ConllWriter
{
    /// <summary>Writes the records to <paramref name="path"/> atomically; returns how many sentences were written.</summary>
    public static async Task<int> WriteFileAsync(string path, IAsyncEnumerable<DataRecord> records, ConllWriteOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var count = 0;
        await AtomicFile.WriteAsync(path, async writer => count = await WriteAsync(writer, records, options, cancellationToken), cancellationToken);
        return count;
    }

    /// <summary>Writes one sentence per record; returns how many were written.</summary>
    public static async Task<int> WriteAsync(TextWriter writer, IAsyncEnumerable<DataRecord> records, ConllWriteOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new ConllWriteOptions();
        var count = 0;
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            if (record.Example is not NerExample example)
                throw new DataFormatException(record.Source, record.Line, null, "CoNLL holds NER examples only; this record is a classification example");
            var (tokens, tags) = ToTokenTags(example, options.Scheme, record);
            for (var i = 0; i < tokens.Count; i++)
            {
                await writer.WriteAsync(example.Text.AsMemory(tokens[i]), cancellationToken);
                await writer.WriteAsync(options.Separator);
                await writer.WriteAsync(tags[i]);
                await writer.WriteAsync('\n');
            }
            await writer.WriteAsync('\n');
            count++;
        }
        return count;
    }

    /// <summary>The whitespace tokens of the example's text and one tag per token.</summary>
    /// <exception cref="DataFormatException">A span is not on token boundaries, overlaps another, or the text is empty.</exception>
    public static (List<Range> Tokens, string[] Tags) ToTokenTags(NerExample example, TagScheme scheme, DataRecord where)
    {
        DataFormatException Fail(string? field, string problem) => new(where.Source, where.Line, field, problem);

        var tokens = WhitespaceTokenizer.Tokenize(example.Text);
        if (tokens.Count == 0) throw Fail("text", "empty text cannot be written as a CoNLL sentence");
        if (tokens.FindIndex(t => example.Text[t] == ConllSentenceSplitter.DocumentStart) is var docStart and >= 0)
            throw Fail("text", $"token {docStart + 1} is '{ConllSentenceSplitter.DocumentStart}', which CoNLL readers skip as a document marker");

        var tokenByStart = new Dictionary<int, int>(tokens.Count);
        var tokenByEnd = new Dictionary<int, int>(tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
        {
            tokenByStart[tokens[i].Start.Value] = i;
            tokenByEnd[tokens[i].End.Value] = i;
        }

        var order = Enumerable.Range(0, example.Spans.Count).OrderBy(i => example.Spans[i].Start).ThenBy(i => example.Spans[i].End).ToList();
        var chunks = new List<TokenChunk>(order.Count);
        int previous = -1;
        foreach (var index in order)
        {
            var span = example.Spans[index];
            var field = $"spans[{index}]";
            if (span.Start < 0 || span.End > example.Text.Length || span.Start >= span.End)
                throw Fail(field, $"[{span.Start}, {span.End}) is not a valid range in a text of {example.Text.Length} characters");
            if (!tokenByStart.TryGetValue(span.Start, out var first))
                throw Fail(field, $"starts at {span.Start} {Where(example.Text, tokens, span.Start)}; CoNLL can only hold spans on token boundaries");
            if (!tokenByEnd.TryGetValue(span.End, out var last))
                throw Fail(field, $"ends at {span.End} {Where(example.Text, tokens, span.End - 1)}; CoNLL can only hold spans on token boundaries");
            if (previous >= 0 && example.Spans[previous].End > span.Start)
                throw Fail(field, $"overlaps spans[{previous}]; CoNLL tags cannot hold overlapping entities");
            chunks.Add(new TokenChunk(first, last + 1, span.Label));
            previous = index;
        }
        return (tokens, TagEncoder.Encode(tokens.Count, chunks, scheme));
    }

    private static string Where(string text, List<Range> tokens, int offset)
    {
        foreach (var token in tokens)
            if (token.Start.Value <= offset && offset < token.End.Value) return $"inside the token '{text[token]}'";
        return "on whitespace";
    }
}
