namespace Locus.Models.Tokenization;

/// <summary>
/// The part of a tokenizer that turns a stretch of plain text (no added tokens in it) into vocabulary ids:
/// normaliser, pre-tokeniser and model (WordPiece, Unigram). Offsets it reports are into the original string.
/// </summary>
internal interface ISegmentModel
{
    /// <summary>Number of ids the model itself defines (added tokens come on top).</summary>
    int VocabSize { get; }

    /// <summary>Tokenises <c>text[start..start+length)</c>, appending tokens whose word indices start at
    /// <paramref name="nextWord"/>; returns the next unused word index.</summary>
    int Tokenize(string text, int start, int length, List<RawToken> output, int nextWord);

    /// <summary>The vocabulary string of <paramref name="id"/>, or null when the model has no such id.</summary>
    string? IdToToken(int id);

    /// <summary>The id of a vocabulary string, or null when it is not in the vocabulary.</summary>
    int? TokenToId(string token);

    /// <summary>Turns token strings back into text the way the Hugging Face decoder for this model does;
    /// <paramref name="addedTokens"/> are the tokens that are not vocabulary pieces.</summary>
    string Decode(IReadOnlyList<string> tokens, IReadOnlyDictionary<string, AddedToken> addedTokens);
}
