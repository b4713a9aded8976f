namespace Locus.Models.Tokenization;

/// <summary>
/// The model input for one text (or text pair), in the shape Hugging Face's <c>BatchEncoding</c> /
/// <c>tokenizers.Encoding</c> gives it. All arrays have the same length.
/// </summary>
public sealed class TokenEncoding
{
    /// <summary>Creates an encoding; all arrays must have the same length.</summary>
    public TokenEncoding(
        int[] ids, int[] typeIds, int[] attentionMask, int[] specialTokensMask, TokenOffset[] offsets,
        int?[] wordIds, int?[] sequenceIds, string[] tokens, IReadOnlyList<TokenEncoding> overflowing)
    {
        var n = ids.Length;
        if (typeIds.Length != n || attentionMask.Length != n || specialTokensMask.Length != n || offsets.Length != n
            || wordIds.Length != n || sequenceIds.Length != n || tokens.Length != n)
        {
            throw new ArgumentException("All per-token arrays of an encoding must have the same length.");
        }

        Ids = ids;
        TypeIds = typeIds;
        AttentionMask = attentionMask;
        SpecialTokensMask = specialTokensMask;
        Offsets = offsets;
        WordIds = wordIds;
        SequenceIds = sequenceIds;
        Tokens = tokens;
        Overflowing = overflowing;
    }

    /// <summary>Token ids (<c>input_ids</c>).</summary>
    public int[] Ids { get; }

    /// <summary>Segment ids (<c>token_type_ids</c>): 0 for the first text and its specials, 1 for the second.</summary>
    public int[] TypeIds { get; }

    /// <summary>1 for real tokens, 0 for padding (<c>attention_mask</c>).</summary>
    public int[] AttentionMask { get; }

    /// <summary>1 for tokens added by the template or padding, 0 for tokens of the text (<c>special_tokens_mask</c>).
    /// Special tokens typed literally in the text count as text (0), as in Hugging Face.</summary>
    public int[] SpecialTokensMask { get; }

    /// <summary>Each token's span in the original text it came from (the pair text for second-segment tokens).</summary>
    public TokenOffset[] Offsets { get; }

    /// <summary>The index of the word (pre-token) each token belongs to within its segment; null for added specials and padding.</summary>
    public int?[] WordIds { get; }

    /// <summary>0 or 1 for tokens of the first or second text; null for added specials and padding.</summary>
    public int?[] SequenceIds { get; }

    /// <summary>The token strings (vocabulary entries, e.g. <c>##ing</c> or <c>▁the</c>).</summary>
    public string[] Tokens { get; }

    /// <summary>The windows cut off by truncation, each wrapped and padded like this one (empty when nothing was cut).</summary>
    public IReadOnlyList<TokenEncoding> Overflowing { get; }

    /// <summary>The number of tokens, padding included.</summary>
    public int Length => Ids.Length;
}
