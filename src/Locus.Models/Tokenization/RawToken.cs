namespace Locus.Models.Tokenization;

/// <summary>A token of one text segment before the template is applied: id, span in the original text, word index.</summary>
internal readonly record struct RawToken(int Id, int Start, int End, int Word);
