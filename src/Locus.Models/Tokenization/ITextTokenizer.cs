namespace Locus.Models.Tokenization;

/// <summary>
/// A Hugging Face-compatible tokenizer: the same ids, token types, masks and word ids as the reference, with
/// offsets into the original text. Implementations are thread-safe.
/// </summary>
public interface ITextTokenizer
{
    /// <summary>The number of ids, added tokens included (Python <c>len(tokenizer)</c>); the embedding matrix needs at least this many rows.</summary>
    int VocabSize { get; }

    /// <summary>The role-named special tokens.</summary>
    SpecialTokens SpecialTokens { get; }

    /// <summary>The id of the mask token, for masked-language modelling; null when the tokenizer has none.</summary>
    int? MaskTokenId { get; }

    /// <summary>The id of the padding token; null when the tokenizer has none.</summary>
    int? PadTokenId { get; }

    /// <summary>The id of the classification token; null when the tokenizer has none.</summary>
    int? ClsTokenId { get; }

    /// <summary>The id of the separator token; null when the tokenizer has none.</summary>
    int? SepTokenId { get; }

    /// <summary>The id of the unknown token; null when the tokenizer has none.</summary>
    int? UnkTokenId { get; }

    /// <summary>The ids of all special tokens (Python <c>all_special_ids</c>); MLM masking must leave them alone.</summary>
    IReadOnlySet<int> SpecialTokenIds { get; }

    /// <summary>The longest input the model accepts (<c>model_max_length</c>), when the configuration gives a real one.</summary>
    int? ModelMaxLength { get; }

    /// <summary>Encodes one text, or a pair when <paramref name="textPair"/> is given.</summary>
    TokenEncoding Encode(string text, string? textPair = null, EncodeOptions? options = null);

    /// <summary>Encodes many texts; padding <see cref="PaddingStrategy.Longest"/> pads to the longest in the batch.</summary>
    IReadOnlyList<TokenEncoding> EncodeBatch(IReadOnlyList<string> texts, EncodeOptions? options = null);

    /// <summary>Encodes many text pairs; padding <see cref="PaddingStrategy.Longest"/> pads to the longest in the batch.</summary>
    IReadOnlyList<TokenEncoding> EncodeBatch(IReadOnlyList<(string Text, string? TextPair)> inputs, EncodeOptions? options = null);

    /// <summary>Turns ids back into text, as the Hugging Face decoder does.</summary>
    string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = true);

    /// <summary>The id of a token string (vocabulary or added token), or null.</summary>
    int? TokenToId(string token);

    /// <summary>The token string of an id, or null when the id is out of range.</summary>
    string? IdToToken(int id);
}
