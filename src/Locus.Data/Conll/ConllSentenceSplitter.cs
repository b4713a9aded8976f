using System.Runtime.CompilerServices;

namespace Locus.Data;

/// <summary>
/// Splits CoNLL text into sentences: one token per line, first column the token, last column the tag, any
/// columns between ignored; columns separated by tabs, or by spaces when the line has no tab. Blank lines
/// end sentences; <c>-DOCSTART-</c> lines end a sentence and are otherwise skipped.
/// </summary>
internal static class ConllSentenceSplitter
{
    public const string DocumentStart = "-DOCSTART-";

    public static async IAsyncEnumerable<ConllSentence> SplitAsync(TextReader reader, string source,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var sentence = new ConllSentence();
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            // A leading tab is kept: in a tab-separated line it means an empty token, which is reported.
            var trimmed = line.TrimEnd(' ', '\t', '\r');
            if (!trimmed.Contains('\t')) trimmed = trimmed.TrimStart(' ');
            var columns = trimmed.Contains('\t') ? trimmed.Split('\t') : trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (trimmed.Length == 0 || columns[0] == DocumentStart)
            {
                if (!sentence.IsEmpty) yield return sentence;
                sentence = new ConllSentence();
                continue;
            }
            if (sentence.Problem is not null) continue;
            if (columns.Length < 2)
                sentence.Problem = DataIssue.Error(source, lineNumber, "tag", $"missing: expected 'token<TAB>tag', found '{trimmed}'");
            else if (columns[0].Length == 0)
                sentence.Problem = DataIssue.Error(source, lineNumber, "token", "empty");
            else
            {
                sentence.Tokens.Add(columns[0]);
                sentence.Tags.Add(columns[^1].Trim());
                sentence.Lines.Add(lineNumber);
            }
        }
        if (!sentence.IsEmpty) yield return sentence;
    }
}
