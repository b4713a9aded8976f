namespace Locus.Models.Tokenization;

/// <summary>One element of a post-processing template: either a special token or one of the input texts.</summary>
/// <param name="SpecialTokenId">The id of the special token, or null when this piece is an input text.</param>
/// <param name="Sequence">Which input text (0 = A, 1 = B) when <paramref name="SpecialTokenId"/> is null.</param>
/// <param name="TypeId">The token type id given to the piece's tokens.</param>
internal readonly record struct TemplatePiece(int? SpecialTokenId, int Sequence, int TypeId)
{
    public static TemplatePiece Special(int id, int typeId) => new(id, 0, typeId);

    public static TemplatePiece Text(int sequence, int typeId) => new(null, sequence, typeId);
}
