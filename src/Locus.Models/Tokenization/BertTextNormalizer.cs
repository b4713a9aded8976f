using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Locus.Models.Tokenization;

/// <summary>
/// Hugging Face's <c>BertNormalizer</c> (clean text, pad CJK ideographs, strip accents, lower-case), applied one code
/// point at a time so each output unit keeps the span of the original character it came from.
/// </summary>
internal sealed class BertTextNormalizer
{
    private readonly BertNormalizerOptions _options;
    private readonly bool _stripAccents;

    // Non-ASCII code point -> its accent-stripped / lower-cased form; computed once per distinct code point.
    private readonly ConcurrentDictionary<int, string> _transformed = new();

    public BertTextNormalizer(BertNormalizerOptions options)
    {
        _options = options;
        _stripAccents = options.EffectiveStripAccents;
    }

    public void Normalize(string text, int start, int length, AlignedText output)
    {
        var end = start + length;
        var i = start;
        while (i < end)
        {
            var c = text[i];
            if (c < 0x80)
            {
                AppendAscii(c, i, output);
                i++;
                continue;
            }

            if (Rune.DecodeFromUtf16(text.AsSpan(i, end - i), out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                rune = Rune.ReplacementChar;
            }

            AppendRune(rune, i, i + consumed, output);
            i += consumed;
        }
    }

    private void AppendAscii(char c, int position, AlignedText output)
    {
        if (_options.CleanText)
        {
            if (c is '\t' or '\n' or '\r' or ' ')
            {
                output.Append(' ', position, position + 1);
                return;
            }

            if (c < 0x20 || c == 0x7F)
            {
                return;
            }
        }

        output.Append(_options.Lowercase && c is >= 'A' and <= 'Z' ? (char)(c + 32) : c, position, position + 1);
    }

    private void AppendRune(Rune rune, int originStart, int originEnd, AlignedText output)
    {
        if (_options.CleanText)
        {
            if (rune.Value == 0xFFFD || IsControl(rune))
            {
                return;
            }

            if (Rune.IsWhiteSpace(rune))
            {
                output.Append(' ', originStart, originEnd);
                return;
            }
        }

        var chinese = _options.HandleChineseChars && IsChineseChar(rune.Value);
        if (chinese)
        {
            output.Append(' ', originStart, originEnd);
        }

        output.Append(_transformed.GetOrAdd(rune.Value, Transform), originStart, originEnd);
        if (chinese)
        {
            output.Append(' ', originStart, originEnd);
        }
    }

    private string Transform(int codePoint)
    {
        var text = char.ConvertFromUtf32(codePoint);
        if (_stripAccents)
        {
            var decomposed = text.Normalize(NormalizationForm.FormD);
            var kept = new StringBuilder(decomposed.Length);
            foreach (var r in decomposed.EnumerateRunes())
            {
                if (Rune.GetUnicodeCategory(r) != UnicodeCategory.NonSpacingMark)
                {
                    kept.Append(r.ToString());
                }
            }

            text = kept.ToString();
        }

        return _options.Lowercase ? LowerCase(text) : text;
    }

    // Rust's char::to_lowercase: the full mapping, whose only unconditional multi-character case is U+0130.
    private static string LowerCase(string text)
    {
        var result = new StringBuilder(text.Length + 1);
        foreach (var r in text.EnumerateRunes())
        {
            if (r.Value == 0x130)
            {
                result.Append("i\u0307");
            }
            else
            {
                result.Append(Rune.ToLowerInvariant(r).ToString());
            }
        }

        return result.ToString();
    }

    // Unicode "Other" (Cc, Cf, Cn, Co, Cs) as in HF, except tab/newline/carriage return which count as whitespace.
    private static bool IsControl(Rune rune)
    {
        if (rune.Value is '\t' or '\n' or '\r')
        {
            return false;
        }

        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate;
    }

    // The CJK Unified Ideographs blocks as HF's Rust BertNormalizer lists them (Hangul, kana are not included).
    internal static bool IsChineseChar(int cp) =>
        cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
            or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B920 and <= 0x2CEAF)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}
