namespace Locus.Models.Tokenization;

/// <summary>
/// Hugging Face's <c>TemplateProcessing</c>: where special tokens go around one text or a pair, and which
/// token type ids each part gets. BERT and DeBERTa both use <c>[CLS] A [SEP]</c> and <c>[CLS] A [SEP] B [SEP]</c>
/// with type id 1 on <c>B [SEP]</c>.
/// </summary>
internal sealed class PostProcessorTemplate
{
    public PostProcessorTemplate(IReadOnlyList<TemplatePiece> single, IReadOnlyList<TemplatePiece> pair)
    {
        Single = single;
        Pair = pair;
    }

    public IReadOnlyList<TemplatePiece> Single { get; }

    public IReadOnlyList<TemplatePiece> Pair { get; }

    /// <summary>The BERT-style template <c>[CLS] A [SEP]</c> / <c>[CLS] A [SEP] B [SEP]</c>.</summary>
    public static PostProcessorTemplate ClsSep(int clsId, int sepId) => new(
        [TemplatePiece.Special(clsId, 0), TemplatePiece.Text(0, 0), TemplatePiece.Special(sepId, 0)],
        [
            TemplatePiece.Special(clsId, 0), TemplatePiece.Text(0, 0), TemplatePiece.Special(sepId, 0),
            TemplatePiece.Text(1, 1), TemplatePiece.Special(sepId, 1),
        ]);

    /// <summary>The number of special tokens the template adds (Rust <c>added_tokens(is_pair)</c>).</summary>
    public int AddedTokenCount(bool isPair)
    {
        var count = 0;
        foreach (var piece in isPair ? Pair : Single)
        {
            if (piece.SpecialTokenId is not null)
            {
                count++;
            }
        }

        return count;
    }
}
