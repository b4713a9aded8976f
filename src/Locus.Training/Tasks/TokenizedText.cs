using Locus.Models.Tokenization;

namespace Locus.Training.Tasks;

/// <summary>
/// A text tokenised once, whole, and cut into the windows the encoder sees. The text's tokens ("text tokens") are
/// the tokenizer's tokens without the template's special tokens; windows are built by wrapping runs of them in the
/// same special tokens, so any tokenizer template that only adds tokens around the text works.
/// </summary>
/// <remarks>
/// Windows follow Hugging Face's overflow rule: window k holds text tokens [k·step, k·step + budget) with
/// step = budget − stride, the last one ending at the text's end. A text that fits is one window sharing the
/// tokenizer's arrays, so the common case copies nothing.
/// </remarks>
public sealed class TokenizedText
{
    private readonly TokenEncoding _encoding;
    private readonly int _prefix;

    private TokenizedText(string text, int textIndex, TokenEncoding encoding, int prefix, int contentCount, IReadOnlyList<TextWindow> windows)
    {
        Text = text;
        TextIndex = textIndex;
        _encoding = encoding;
        _prefix = prefix;
        TokenCount = contentCount;
        Windows = windows;
    }

    /// <summary>The original text.</summary>
    public string Text { get; }

    /// <summary>The index of the text within its data set.</summary>
    public int TextIndex { get; }

    /// <summary>The number of text tokens (special tokens excluded).</summary>
    public int TokenCount { get; }

    /// <summary>Each text token's span in the original text (UTF-16 indices).</summary>
    public ReadOnlySpan<TokenOffset> Offsets => _encoding.Offsets.AsSpan(_prefix, TokenCount);

    /// <summary>Each text token's word index from the tokenizer (its pre-tokeniser's words); null where it gives none.</summary>
    public ReadOnlySpan<int?> WordIds => _encoding.WordIds.AsSpan(_prefix, TokenCount);

    /// <summary>The windows, in text order; together they hold every text token at least once.</summary>
    public IReadOnlyList<TextWindow> Windows { get; }

    /// <summary>Tokenises <paramref name="text"/> with the tokenizer's template and cuts it into windows.</summary>
    /// <exception cref="ArgumentException">The window settings leave no room for text.</exception>
    /// <exception cref="LocusException">The tokenizer's template puts special tokens inside the text.</exception>
    public static TokenizedText Create(ITextTokenizer tokenizer, string text, WindowOptions options, int textIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(options);
        var encoding = tokenizer.Encode(text);
        var sequence = encoding.SequenceIds;
        var prefix = 0;
        while (prefix < sequence.Length && sequence[prefix] is null) prefix++;
        var end = sequence.Length;
        while (end > prefix && sequence[end - 1] is null) end--;
        for (var i = prefix; i < end; i++)
        {
            if (sequence[i] != 0)
                throw new LocusException($"The tokenizer's template puts a special token ('{encoding.Tokens[i]}') inside the text; windows cannot be cut from it.");
        }

        var suffix = sequence.Length - end;
        var count = end - prefix;
        var budget = options.TextBudget(prefix + suffix);
        if (count <= budget)
        {
            var whole = new TextWindow(textIndex, 0, encoding.Ids, encoding.TypeIds, prefix, 0, count, encoding.Offsets, prefix);
            return new TokenizedText(text, textIndex, encoding, prefix, count, [whole]);
        }

        var step = budget - options.Stride;
        var windows = new List<TextWindow>(1 + (count - budget + step - 1) / step);
        for (var start = 0; ; start += step)
        {
            var length = Math.Min(budget, count - start);
            windows.Add(new TextWindow(textIndex, windows.Count, Slice(encoding.Ids, prefix, start, length, suffix),
                Slice(encoding.TypeIds, prefix, start, length, suffix), prefix, start, length, encoding.Offsets, prefix));
            if (start + length == count) break;
        }

        return new TokenizedText(text, textIndex, encoding, prefix, count, windows);
    }

    // The template's leading tokens, text tokens [start, start + length), then the template's trailing tokens.
    private static int[] Slice(int[] source, int prefix, int start, int length, int suffix)
    {
        var window = new int[prefix + length + suffix];
        source.AsSpan(0, prefix).CopyTo(window);
        source.AsSpan(prefix + start, length).CopyTo(window.AsSpan(prefix));
        source.AsSpan(source.Length - suffix).CopyTo(window.AsSpan(prefix + length));
        return window;
    }
}
