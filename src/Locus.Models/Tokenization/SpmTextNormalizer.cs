using System.Text;

namespace Locus.Models.Tokenization;

/// <summary>
/// SentencePiece's <c>Normalizer::Normalize</c> over UTF-8: precompiled rules, user-defined symbols kept verbatim,
/// leading/trailing/repeated whitespace removed, spaces escaped as U+2581 and the dummy prefix added. It records for
/// every normalised byte the original byte it came from (<c>norm_to_orig</c>), plus one entry for the end.
/// </summary>
internal sealed class SpmTextNormalizer
{
    private static readonly byte[] SpaceSymbol = "\u2581"u8.ToArray();
    private static readonly byte[] ReplacementChar = "\uFFFD"u8.ToArray();

    private readonly PrecompiledCharsMap? _charsMap;
    private readonly byte[][] _userDefinedByLength;
    private readonly bool _addDummyPrefix;
    private readonly bool _removeExtraWhitespaces;
    private readonly bool _escapeWhitespaces;
    private readonly bool _treatWhitespaceAsSuffix;

    public SpmTextNormalizer(SentencePieceModelProto model)
    {
        _charsMap = model.PrecompiledCharsMap.Length > 0 ? new PrecompiledCharsMap(model.PrecompiledCharsMap) : null;
        _userDefinedByLength = model.Pieces.Where(p => p.Type == SentencePieceType.UserDefined)
            .Select(p => Encoding.UTF8.GetBytes(p.Piece)).OrderByDescending(b => b.Length).ToArray();
        _addDummyPrefix = model.AddDummyPrefix;
        _removeExtraWhitespaces = model.RemoveExtraWhitespaces;
        _escapeWhitespaces = model.EscapeWhitespaces;
        _treatWhitespaceAsSuffix = model.TreatWhitespaceAsSuffix;
    }

    /// <summary>Normalises <paramref name="input"/> into <paramref name="output"/>; the alignment goes to <paramref name="normToOrig"/>.</summary>
    public void Normalize(ReadOnlySpan<byte> input, GrowableBuffer<byte> output, GrowableBuffer<int> normToOrig)
    {
        output.Clear();
        normToOrig.Clear();
        if (input.IsEmpty)
        {
            return;
        }

        var consumed = 0;
        if (_removeExtraWhitespaces)
        {
            while (consumed < input.Length)
            {
                var length = NormalizePrefix(input[consumed..], out var replacement);
                if (!replacement.SequenceEqual(" "u8))
                {
                    break;
                }

                consumed += length;
            }
        }

        if (consumed == input.Length)
        {
            return;
        }

        if (!_treatWhitespaceAsSuffix && _addDummyPrefix)
        {
            AddSpace(output, normToOrig, consumed);
        }

        var isPreviousSpace = _removeExtraWhitespaces;
        while (consumed < input.Length)
        {
            var length = NormalizePrefix(input[consumed..], out var piece);
            if (isPreviousSpace)
            {
                while (!piece.IsEmpty && piece[0] == (byte)' ')
                {
                    piece = piece[1..];
                }
            }

            if (!piece.IsEmpty)
            {
                foreach (var b in piece)
                {
                    if (b == (byte)' ')
                    {
                        AddSpace(output, normToOrig, consumed);
                    }
                    else
                    {
                        output.Add(b);
                        normToOrig.Add(consumed);
                    }
                }

                isPreviousSpace = piece[^1] == (byte)' ';
            }

            consumed += length;
            if (!_removeExtraWhitespaces)
            {
                isPreviousSpace = false;
            }
        }

        if (_removeExtraWhitespaces)
        {
            ReadOnlySpan<byte> space = _escapeWhitespaces ? SpaceSymbol : " "u8;
            while (output.Span.EndsWith(space))
            {
                var length = output.Count - space.Length;
                consumed = normToOrig[length];
                output.Truncate(length);
                normToOrig.Truncate(length);
            }
        }

        if (_treatWhitespaceAsSuffix && _addDummyPrefix)
        {
            AddSpace(output, normToOrig, consumed);
        }

        normToOrig.Add(consumed);
    }

    private void AddSpace(GrowableBuffer<byte> output, GrowableBuffer<int> normToOrig, int origin)
    {
        if (_escapeWhitespaces)
        {
            foreach (var b in SpaceSymbol)
            {
                output.Add(b);
                normToOrig.Add(origin);
            }
        }
        else
        {
            output.Add((byte)' ');
            normToOrig.Add(origin);
        }
    }

    // Returns how many input bytes the next rule consumes and what it writes.
    private int NormalizePrefix(ReadOnlySpan<byte> input, out ReadOnlySpan<byte> replacement)
    {
        foreach (var symbol in _userDefinedByLength)
        {
            if (input.StartsWith(symbol))
            {
                replacement = input[..symbol.Length];
                return symbol.Length;
            }
        }

        if (_charsMap is not null)
        {
            var matched = _charsMap.LongestMatch(input, out replacement);
            if (matched > 0)
            {
                return matched;
            }
        }

        var length = Utf8CharLength(input);
        if (length == 0)
        {
            replacement = ReplacementChar;
            return 1;
        }

        replacement = input[..length];
        return length;
    }

    /// <summary>The byte length of the UTF-8 character at the start of <paramref name="input"/>, or 0 when malformed.</summary>
    internal static int Utf8CharLength(ReadOnlySpan<byte> input) =>
        System.Text.Rune.DecodeFromUtf8(input, out _, out var consumed) == System.Buffers.OperationStatus.Done ? consumed : 0;
}
