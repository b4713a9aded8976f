using Locus.Models.Tokenization;

namespace Locus.Training.Tasks;

/// <summary>
/// One model input cut from a text: the template's special tokens around a run of the text's tokens. It knows where
/// its tokens sit in the whole text (<see cref="ContentStart"/>) and, through <see cref="OffsetAt"/>, in the
/// original characters, so predictions made on it can be mapped back.
/// </summary>
public sealed class TextWindow
{
    private readonly TokenOffset[] _textOffsets;
    private readonly int _textOffsetsStart;

    internal TextWindow(int textIndex, int windowIndex, int[] inputIds, int[] tokenTypeIds, int contentPosition, int contentStart,
        int contentLength, TokenOffset[] textOffsets, int textOffsetsStart)
    {
        TextIndex = textIndex;
        WindowIndex = windowIndex;
        InputIds = inputIds;
        TokenTypeIds = tokenTypeIds;
        ContentPosition = contentPosition;
        ContentStart = contentStart;
        ContentLength = contentLength;
        _textOffsets = textOffsets;
        _textOffsetsStart = textOffsetsStart;
    }

    /// <summary>The index of the text (within its data set) this window was cut from.</summary>
    public int TextIndex { get; }

    /// <summary>The position of this window among its text's windows, from 0.</summary>
    public int WindowIndex { get; }

    /// <summary>Token ids, special tokens included, unpadded.</summary>
    public int[] InputIds { get; }

    /// <summary>Segment ids, one per token.</summary>
    public int[] TokenTypeIds { get; }

    /// <summary>The position in <see cref="InputIds"/> of the first text token (the number of leading special tokens).</summary>
    public int ContentPosition { get; }

    /// <summary>The index, among all the text's tokens (specials excluded), of this window's first text token.</summary>
    public int ContentStart { get; }

    /// <summary>The number of text tokens in this window.</summary>
    public int ContentLength { get; }

    /// <summary>The number of tokens, special tokens included.</summary>
    public int Length => InputIds.Length;

    /// <summary>
    /// The text-token index (among all the text's tokens) of the token at <paramref name="position"/> of this window,
    /// or -1 for a special token.
    /// </summary>
    public int TextTokenAt(int position)
    {
        var inContent = position - ContentPosition;
        return (uint)inContent < (uint)ContentLength ? ContentStart + inContent : -1;
    }

    /// <summary>The characters of the original text the token at <paramref name="position"/> came from; (0, 0) for a special token.</summary>
    public TokenOffset OffsetAt(int position)
    {
        var token = TextTokenAt(position);
        return token < 0 ? default : _textOffsets[_textOffsetsStart + token];
    }
}
