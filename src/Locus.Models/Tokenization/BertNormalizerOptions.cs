namespace Locus.Models.Tokenization;

/// <summary>Settings of Hugging Face's <c>BertNormalizer</c> (tokenizer.json) / <c>BasicTokenizer</c> (tokenizer_config.json).</summary>
public sealed record BertNormalizerOptions
{
    /// <summary>Remove control characters and turn every kind of whitespace into a space (<c>clean_text</c>). Default true.</summary>
    public bool CleanText { get; init; } = true;

    /// <summary>Put spaces around CJK ideographs so each becomes a word (<c>handle_chinese_chars</c>). Default true.</summary>
    public bool HandleChineseChars { get; init; } = true;

    /// <summary>Remove accents (NFD, then drop non-spacing marks); null means "same as <see cref="Lowercase"/>", as in HF.</summary>
    public bool? StripAccents { get; init; }

    /// <summary>Lower-case the text (<c>lowercase</c> / <c>do_lower_case</c>). Default true.</summary>
    public bool Lowercase { get; init; } = true;

    internal bool EffectiveStripAccents => StripAccents ?? Lowercase;
}
