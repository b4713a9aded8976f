using Locus.Data;
using Locus.Training.Tasks;

namespace Locus.Tests.Training.Tasks;

/// <summary>Token labels from character spans on hand-made examples, with expectations worked out by hand.</summary>
public sealed class TokenClassificationEncoderTests : IDisposable
{
    private const int I = TokenLabels.Ignore;

    // O=0, B-PER=1, I-PER=2, B-LOC=3, I-LOC=4, B-MISC=5, I-MISC=6.
    private static readonly BioLabelMap Map = new(["PER", "LOC", "MISC"]);

    private readonly TaskTokenizer _tokenizer = new();

    public void Dispose() => _tokenizer.Dispose();

    private TokenClassificationEncoder Encoder(bool allSubTokens = false) =>
        new(_tokenizer.Tokenizer, Map, new TokenClassificationOptions { LabelAllSubTokens = allSubTokens });

    [Fact]
    public void WholeWordsGetBioLabelsAndSpecialTokensAreIgnored()
    {
        var example = new NerExample("John Smith lives in New York.", [new(0, 10, "PER"), new(20, 28, "LOC")]);
        var encoded = Encoder().Encode(example);
        var item = Assert.Single(encoded.Items);
        Assert.Equal(["[CLS]", "john", "smith", "lives", "in", "new", "york", ".", "[SEP]"],
            item.Window.InputIds.Select(id => TaskTokenizer.Vocabulary[id]));
        Assert.Equal([I, 1, 2, 0, 0, 3, 4, 0, I], item.Labels!);
        Assert.Equal(new SpanAlignment(2, 0, 0, 0), encoded.Alignment);
    }

    [Fact]
    public void OnlyTheFirstSubTokenOfAWordIsLabelledByDefault()
    {
        // play|##ing un|##aff|##able paris
        var example = new NerExample("playing unaffable Paris", [new(8, 17, "MISC"), new(18, 23, "LOC")]);
        var item = Assert.Single(Encoder().Encode(example).Items);
        Assert.Equal([I, 0, I, 5, I, I, 3, I], item.Labels!);
    }

    [Fact]
    public void LabellingAllSubTokensPutsInsideOnContinuationPieces()
    {
        var example = new NerExample("playing unaffable Paris", [new(8, 17, "MISC"), new(18, 23, "LOC")]);
        var item = Assert.Single(Encoder(allSubTokens: true).Encode(example).Items);
        Assert.Equal([I, 0, 0, 5, 6, 6, 3, I], item.Labels!);
    }

    [Fact]
    public void ASpanEndingBetweenSubTokensIsExactOnlyWhenTokensAreLabelled()
    {
        // "unaff" = un|##aff: a word boundary is not there, a token boundary is.
        var example = new NerExample("unaffable", [new(0, 5, "MISC")]);
        var perWord = Encoder().Encode(example);
        Assert.Equal([I, 5, I, I, I], perWord.Items[0].Labels!);
        Assert.Equal([SpanOutcome.Misaligned], perWord.SpanOutcomes);

        var perToken = Encoder(allSubTokens: true).Encode(example);
        Assert.Equal([I, 5, 6, 0, I], perToken.Items[0].Labels!);
        Assert.Equal([SpanOutcome.Exact], perToken.SpanOutcomes);
    }

    [Fact]
    public void ASpanEndingInsideATokenTakesTheWholeTokenAndIsCounted()
    {
        // "unaf" ends inside ##aff (2..5): the token overlaps the span, so it belongs to it.
        var example = new NerExample("unaffable", [new(0, 4, "MISC")]);
        var encoded = Encoder(allSubTokens: true).Encode(example);
        Assert.Equal([I, 5, 6, 0, I], encoded.Items[0].Labels!);
        Assert.Equal(new SpanAlignment(0, 1, 0, 0), encoded.Alignment);

        var decoded = new TokenClassificationDecoder(Map).Decode(encoded, GoldLogits.For(encoded, Map.Count));
        Assert.Equal((0, 5, "MISC"), (decoded[0].Start, decoded[0].End, decoded[0].Label));
    }

    [Fact]
    public void OverlappingAndWhitespaceOnlySpansAreCountedNotSilentlyDropped()
    {
        var example = new NerExample("John  Smith", [new(6, 11, "PER"), new(0, 11, "PER"), new(4, 6, "LOC")]);
        var encoded = Encoder().Encode(example);
        // Sorted by start: [0,11) is kept, [4,6) and [6,11) overlap it.
        Assert.Equal([I, 1, 2, I], encoded.Items[0].Labels!);
        Assert.Equal([SpanOutcome.Overlapping, SpanOutcome.Exact, SpanOutcome.Overlapping], encoded.SpanOutcomes);

        var blank = Encoder().Encode(new NerExample("John  Smith", [new(4, 6, "LOC")]));
        Assert.Equal([SpanOutcome.Unrepresentable], blank.SpanOutcomes);
        Assert.Equal([I, 0, 0, I], blank.Items[0].Labels!);
    }

    [Fact]
    public void AdjacentSpansOfOneTypeStayApart()
    {
        var example = new NerExample("John Smith Mary Anne", [new(0, 10, "PER"), new(11, 20, "PER")]);
        var encoded = Encoder().Encode(example);
        Assert.Equal([I, 1, 2, 1, 2, I], encoded.Items[0].Labels!);
        var decoded = new TokenClassificationDecoder(Map).Decode(encoded, GoldLogits.For(encoded, Map.Count));
        Assert.Equal([(0, 10), (11, 20)], decoded.Select(s => (s.Start, s.End)));
    }

    [Fact]
    public void BadSpansAreReportedWithTheExampleAndLabel()
    {
        var unknown = Assert.Throws<LocusException>(() => Encoder().Encode(new NerExample("John", [new(0, 4, "ORG")]) { Id = "s7" }, 3));
        Assert.Contains("Example 3 (id 's7')", unknown.Message);
        Assert.Contains("'ORG'", unknown.Message);
        var outside = Assert.Throws<LocusException>(() => Encoder().Encode(new NerExample("John", [new(2, 9, "PER")])));
        Assert.Contains("outside the text of length 4", outside.Message);
    }

    [Fact]
    public void TextsWithoutSpansEncodeForInference()
    {
        var encoded = Encoder().Encode("John lives in Rome");
        Assert.Null(encoded.TokenLabels);
        Assert.Null(Assert.Single(encoded.Items).Labels!);
        Assert.Equal(4, encoded.Units.Count);
    }

    [Fact]
    public void WindowsThatCannotHoldTextAreRejectedUpFront()
    {
        var options = new TokenClassificationOptions { Windows = new WindowOptions { MaxLength = 6, Stride = 4 } };
        var error = Assert.Throws<LocusException>(() => new TokenClassificationEncoder(_tokenizer.Tokenizer, Map, options));
        Assert.Contains("holds 4 text tokens after 2 special tokens", error.Message);
    }
}
