using System.Globalization;
using System.Text;

namespace Locus.Models.Tokenization;

/// <summary>
/// BERT's tokenisation of plain text: <see cref="BertTextNormalizer"/>, the <c>BertPreTokenizer</c> (split on
/// whitespace, isolate punctuation) and greedy longest-match-first WordPiece, with the <c>WordPiece</c> decoder.
/// </summary>
internal sealed class WordPieceModel : ISegmentModel
{
    private readonly WordPieceVocabulary _vocabulary;
    private readonly BertTextNormalizer _normalizer;
    private readonly int _unkId;
    private readonly int _maxInputCharsPerWord;
    private readonly bool _cleanupDecodedSpaces;

    public WordPieceModel(
        WordPieceVocabulary vocabulary, BertNormalizerOptions normalizer, string unkToken, int maxInputCharsPerWord,
        bool cleanupDecodedSpaces)
    {
        _vocabulary = vocabulary;
        _normalizer = new BertTextNormalizer(normalizer);
        _unkId = vocabulary.TokenToId(unkToken)
            ?? throw new LocusException($"The WordPiece vocabulary has no unknown token '{unkToken}'.");
        _maxInputCharsPerWord = maxInputCharsPerWord;
        _cleanupDecodedSpaces = cleanupDecodedSpaces;
    }

    public int VocabSize => _vocabulary.Count;

    public string? IdToToken(int id) => _vocabulary.IdToToken(id);

    public int? TokenToId(string token) => _vocabulary.TokenToId(token);

    public int Tokenize(string text, int start, int length, List<RawToken> output, int nextWord)
    {
        var normalized = AlignedText.Rent();
        _normalizer.Normalize(text, start, length, normalized);
        var chars = normalized.Chars;
        var wordStart = -1;
        for (var i = 0; i < chars.Length;)
        {
            var width = char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length ? 2 : 1;
            var kind = Classify(chars.Slice(i, width));
            if (kind == CharKind.Word)
            {
                if (wordStart < 0)
                {
                    wordStart = i;
                }

                i += width;
                continue;
            }

            if (wordStart >= 0)
            {
                AddWord(normalized, wordStart, i, output, nextWord++);
                wordStart = -1;
            }

            if (kind == CharKind.Punctuation)
            {
                AddWord(normalized, i, i + width, output, nextWord++);
            }

            i += width;
        }

        if (wordStart >= 0)
        {
            AddWord(normalized, wordStart, chars.Length, output, nextWord++);
        }

        return nextWord;
    }

    private void AddWord(AlignedText normalized, int start, int end, List<RawToken> output, int word)
    {
        var chars = normalized.Chars;
        if (CountCodePoints(chars[start..end]) > _maxInputCharsPerWord)
        {
            output.Add(new RawToken(_unkId, normalized.OriginStart(start), normalized.OriginEnd(end - 1), word));
            return;
        }

        var firstPiece = output.Count;
        for (var pieceStart = start; pieceStart < end;)
        {
            var found = -1;
            var pieceEnd = end;
            while (pieceEnd > pieceStart)
            {
                var candidate = chars[pieceStart..pieceEnd];
                var hit = pieceStart == start
                    ? _vocabulary.TryGetInitial(candidate, out found)
                    : _vocabulary.TryGetContinuation(candidate, out found);
                if (hit)
                {
                    break;
                }

                found = -1;
                pieceEnd -= char.IsLowSurrogate(chars[pieceEnd - 1]) && pieceEnd - 2 >= pieceStart ? 2 : 1;
            }

            if (found < 0)
            {
                // One piece that cannot be matched makes the whole word unknown, as in HF.
                output.RemoveRange(firstPiece, output.Count - firstPiece);
                output.Add(new RawToken(_unkId, normalized.OriginStart(start), normalized.OriginEnd(end - 1), word));
                return;
            }

            output.Add(new RawToken(found, normalized.OriginStart(pieceStart), normalized.OriginEnd(pieceEnd - 1), word));
            pieceStart = pieceEnd;
        }
    }

    public string Decode(IReadOnlyList<string> tokens, IReadOnlyDictionary<string, AddedToken> addedTokens)
    {
        var prefix = _vocabulary.ContinuingSubwordPrefix;
        var result = new StringBuilder();
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            string piece;
            if (i == 0)
            {
                piece = token;
            }
            else if (prefix.Length > 0 && token.StartsWith(prefix, StringComparison.Ordinal))
            {
                piece = token[prefix.Length..];
            }
            else
            {
                piece = " " + token;
            }

            result.Append(_cleanupDecodedSpaces ? CleanUpTokenization(piece) : piece);
        }

        return result.ToString();
    }

    // HF's `cleanup` of the WordPiece decoder, applied to each token as the Rust decoder does.
    private static string CleanUpTokenization(string text) => text
        .Replace(" .", ".", StringComparison.Ordinal).Replace(" ?", "?", StringComparison.Ordinal)
        .Replace(" !", "!", StringComparison.Ordinal).Replace(" ,", ",", StringComparison.Ordinal)
        .Replace(" ' ", "'", StringComparison.Ordinal).Replace(" n't", "n't", StringComparison.Ordinal)
        .Replace(" 'm", "'m", StringComparison.Ordinal).Replace(" do not", " don't", StringComparison.Ordinal)
        .Replace(" 's", "'s", StringComparison.Ordinal).Replace(" 've", "'ve", StringComparison.Ordinal)
        .Replace(" 're", "'re", StringComparison.Ordinal);

    private static int CountCodePoints(ReadOnlySpan<char> chars)
    {
        var count = chars.Length;
        foreach (var c in chars)
        {
            if (char.IsLowSurrogate(c))
            {
                count--;
            }
        }

        return count;
    }

    private enum CharKind
    {
        Word,
        Space,
        Punctuation,
    }

    private static CharKind Classify(ReadOnlySpan<char> codePoint)
    {
        var c = codePoint[0];
        if (c < 0x80)
        {
            return c is ' ' or (>= '\t' and <= '\r') ? CharKind.Space
                : c is (>= '!' and <= '/') or (>= ':' and <= '@') or (>= '[' and <= '`') or (>= '{' and <= '~')
                    ? CharKind.Punctuation
                    : CharKind.Word;
        }

        var rune = codePoint.Length == 2 ? new Rune(codePoint[0], codePoint[1]) : new Rune(char.IsSurrogate(c) ? '\uFFFD' : c);
        if (Rune.IsWhiteSpace(rune))
        {
            return CharKind.Space;
        }

        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation
            ? CharKind.Punctuation
            : CharKind.Word;
    }
}
