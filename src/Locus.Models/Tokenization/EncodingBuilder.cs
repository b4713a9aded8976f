namespace Locus.Models.Tokenization;

/// <summary>
/// Turns segment tokens into <see cref="TokenEncoding"/>s: truncation, the post-processing template, overflow
/// windows (combined like Rust's <c>Encoding::merge_with</c>) and padding.
/// </summary>
internal sealed class EncodingBuilder
{
    private readonly PostProcessorTemplate _template;
    private readonly Func<int, string> _idToToken;

    public EncodingBuilder(PostProcessorTemplate template, Func<int, string> idToToken)
    {
        _template = template;
        _idToToken = idToToken;
    }

    public TokenEncoding Build(List<RawToken> first, List<RawToken>? second, EncodeOptions options)
    {
        var isPair = second is not null;
        var added = options.AddSpecialTokens ? _template.AddedTokenCount(isPair) : 0;
        var budget = int.MaxValue;
        if (options.Truncation != TruncationStrategy.None)
        {
            budget = options.MaxLength!.Value - added;
            if (budget < 0)
            {
                throw new ArgumentException(
                    $"max_length {options.MaxLength} is smaller than the {added} special tokens the template adds.");
            }
        }

        var (a, b) = SequenceTruncator.Truncate(first, second, budget, options.Stride, options.Truncation);
        var overflow = new List<TokenEncoding>();
        foreach (var aWindow in a.Overflow)
        {
            overflow.Add(Assemble(aWindow, b?.Kept, options.AddSpecialTokens, []));
            foreach (var bWindow in b?.Overflow ?? [])
            {
                overflow.Add(Assemble(aWindow, bWindow, options.AddSpecialTokens, []));
            }
        }

        foreach (var bWindow in b?.Overflow ?? [])
        {
            overflow.Add(Assemble(a.Kept, bWindow, options.AddSpecialTokens, []));
        }

        return Assemble(a.Kept, b?.Kept, options.AddSpecialTokens, overflow);
    }

    private TokenEncoding Assemble(List<RawToken> first, List<RawToken>? second, bool addSpecialTokens, List<TokenEncoding> overflow)
    {
        var pieces = second is null ? _template.Single : _template.Pair;
        var length = 0;
        foreach (var piece in pieces)
        {
            length += piece.SpecialTokenId is not null
                ? (addSpecialTokens ? 1 : 0)
                : (piece.Sequence == 0 ? first.Count : second!.Count);
        }

        var ids = new int[length];
        var typeIds = new int[length];
        var attention = new int[length];
        var special = new int[length];
        var offsets = new TokenOffset[length];
        var words = new int?[length];
        var sequences = new int?[length];
        var tokens = new string[length];
        var i = 0;
        foreach (var piece in pieces)
        {
            if (piece.SpecialTokenId is { } specialId)
            {
                if (!addSpecialTokens)
                {
                    continue;
                }

                ids[i] = specialId;
                typeIds[i] = piece.TypeId;
                attention[i] = 1;
                special[i] = 1;
                tokens[i] = _idToToken(specialId);
                i++;
                continue;
            }

            foreach (var token in piece.Sequence == 0 ? first : second!)
            {
                ids[i] = token.Id;
                typeIds[i] = piece.TypeId;
                attention[i] = 1;
                offsets[i] = new TokenOffset(token.Start, token.End);
                words[i] = token.Word;
                sequences[i] = piece.Sequence;
                tokens[i] = _idToToken(token.Id);
                i++;
            }
        }

        return new TokenEncoding(ids, typeIds, attention, special, offsets, words, sequences, tokens, overflow);
    }

    /// <summary>Pads on the right to <paramref name="targetLength"/> (overflow windows too); longer encodings are kept as they are.</summary>
    public static TokenEncoding Pad(TokenEncoding encoding, int targetLength, int padId, string padToken)
    {
        var overflow = encoding.Overflowing.Count == 0
            ? encoding.Overflowing
            : encoding.Overflowing.Select(o => Pad(o, targetLength, padId, padToken)).ToArray();
        var n = encoding.Length;
        if (n >= targetLength)
        {
            return ReferenceEquals(overflow, encoding.Overflowing) ? encoding : With(encoding, overflow);
        }

        var ids = Grow(encoding.Ids, targetLength, padId);
        var typeIds = Grow(encoding.TypeIds, targetLength, 0);
        var attention = Grow(encoding.AttentionMask, targetLength, 0);
        var special = Grow(encoding.SpecialTokensMask, targetLength, 1);
        var offsets = Grow(encoding.Offsets, targetLength, default);
        var words = Grow(encoding.WordIds, targetLength, null);
        var sequences = Grow(encoding.SequenceIds, targetLength, null);
        var tokens = Grow(encoding.Tokens, targetLength, padToken);
        return new TokenEncoding(ids, typeIds, attention, special, offsets, words, sequences, tokens, overflow);
    }

    private static TokenEncoding With(TokenEncoding e, IReadOnlyList<TokenEncoding> overflow) => new(
        e.Ids, e.TypeIds, e.AttentionMask, e.SpecialTokensMask, e.Offsets, e.WordIds, e.SequenceIds, e.Tokens, overflow);

    private static T[] Grow<T>(T[] source, int length, T fill)
    {
        var result = new T[length];
        source.CopyTo(result, 0);
        result.AsSpan(source.Length).Fill(fill);
        return result;
    }
}
