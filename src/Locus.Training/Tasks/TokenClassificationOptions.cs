namespace Locus.Training.Tasks;

/// <summary>How NER examples become token labels and back.</summary>
public sealed record TokenClassificationOptions
{
    /// <summary>How long texts are cut into windows.</summary>
    public WindowOptions Windows { get; init; } = new();

    /// <summary>
    /// False (default): each word's first sub-token carries the word's BIO label and the other sub-tokens are ignored
    /// (<see cref="TokenLabels.Ignore"/>); decoding reads each word's first sub-token. True: every token is labelled
    /// on its own (<c>B-</c> on the span's first token, <c>I-</c> on the rest, continuation pieces included) and
    /// decoded on its own, which keeps boundaries that fall between sub-tokens of a word.
    /// </summary>
    public bool LabelAllSubTokens { get; init; }

    /// <summary>
    /// Whether words (from the tokenizer's word ids) are cut further where a token starts or follows punctuation.
    /// Default true. BERT's pre-tokeniser already isolates punctuation, so this changes nothing for WordPiece; a
    /// SentencePiece word is everything between spaces (<c>Paris,</c> is one word, pieces <c>▁Paris</c> and
    /// <c>,</c>), and without the cut an entity could not end before the comma.
    /// </summary>
    public bool SplitWordsAtPunctuation { get; init; } = true;
}
