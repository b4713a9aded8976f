using System.Buffers;

namespace Locus.Models.Tokenization;

/// <summary>
/// Finds added tokens typed literally in the text (case-sensitive, leftmost then longest match), as Hugging Face's
/// <c>AddedVocabulary</c> does for tokens with <c>normalized: false</c>, and tokenises the text between them
/// with the segment model. Added tokens count as words of their own.
/// </summary>
internal sealed class AddedTokenSplitter
{
    private readonly AddedToken[] _byLengthDescending;
    private readonly SearchValues<char>? _firstChars;

    public AddedTokenSplitter(IEnumerable<AddedToken> tokens)
    {
        _byLengthDescending = tokens.Where(t => t.Content.Length > 0)
            .OrderByDescending(t => t.Content.Length).ThenBy(t => t.Id).ToArray();
        _firstChars = _byLengthDescending.Length == 0
            ? null
            : SearchValues.Create(_byLengthDescending.Select(t => t.Content[0]).Distinct().ToArray());
    }

    public void Tokenize(ISegmentModel model, string text, List<RawToken> output)
    {
        var nextWord = 0;
        var segmentStart = 0;
        var position = 0;
        while (_firstChars is not null && position < text.Length)
        {
            var found = text.AsSpan(position).IndexOfAny(_firstChars);
            if (found < 0)
            {
                break;
            }

            position += found;
            var match = MatchAt(text, position);
            if (match is null)
            {
                position++;
                continue;
            }

            if (position > segmentStart)
            {
                nextWord = model.Tokenize(text, segmentStart, position - segmentStart, output, nextWord);
            }

            output.Add(new RawToken(match.Id, position, position + match.Content.Length, nextWord++));
            position += match.Content.Length;
            segmentStart = position;
        }

        if (segmentStart < text.Length)
        {
            model.Tokenize(text, segmentStart, text.Length - segmentStart, output, nextWord);
        }
    }

    private AddedToken? MatchAt(string text, int position)
    {
        var rest = text.AsSpan(position);
        foreach (var token in _byLengthDescending)
        {
            if (rest.StartsWith(token.Content, StringComparison.Ordinal))
            {
                return token;
            }
        }

        return null;
    }
}
