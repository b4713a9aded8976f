using Locus.Data;
using Locus.Evaluation;
using Locus.Training.Tasks;

namespace Locus.Tests.Training.Tasks;

/// <summary>Decoding choices: BIO repair as seqeval reads tags, the window with most context, span confidence.</summary>
public sealed class TokenClassificationDecoderTests : IDisposable
{
    // O=0, B-PER=1, I-PER=2, B-LOC=3, I-LOC=4, B-MISC=5, I-MISC=6.
    private static readonly BioLabelMap Map = new(["PER", "LOC", "MISC"]);

    private readonly TaskTokenizer _tokenizer = new();

    public void Dispose() => _tokenizer.Dispose();

    [Theory]
    [InlineData("I-PER I-PER O B-LOC I-PER", "PER 0 2|LOC 3 4|PER 4 5")]
    [InlineData("B-PER B-PER I-PER", "PER 0 1|PER 1 3")]
    [InlineData("B-PER I-LOC I-LOC O", "PER 0 1|LOC 1 3")]
    [InlineData("O I-LOC", "LOC 1 2")]
    [InlineData("B-LOC I-LOC", "LOC 0 2")]
    [InlineData("O O", "")]
    public void StrayInsideTagsStartEntities(string tags, string expected)
    {
        var ids = tags.Split(' ').Select(Map.IdOf).ToArray();
        var chunks = BioRepair.Chunks(ids, Map).Select(c => $"{Map.EntityTypes[c.TypeIndex]} {c.Start} {c.End}");
        Assert.Equal(expected, string.Join('|', chunks));
    }

    [Fact]
    public void RepairAgreesWithSeqevalsDefaultChunkingOnRandomTags()
    {
        var random = new Random(3);
        for (var n = 0; n < 300; n++)
        {
            var ids = Enumerable.Range(0, random.Next(0, 12)).Select(_ => random.Next(Map.Count)).ToArray();
            var expected = ConllChunker.Chunk([ids.Select(i => Map.Labels[i]).ToArray()], false, new HashSet<string>())
                .Select(e => (e.Start, e.End, e.Type));
            var actual = BioRepair.Chunks(ids, Map).Select(c => (c.Start, c.End, Map.EntityTypes[c.TypeIndex]));
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void OverlappingWindowsDeferToTheWindowWhereTheTokenHasMoreContext()
    {
        const string text = "john smith lives in new york paris berlin visited the city of and went to play today cafe mary rome";
        var encoder = new TokenClassificationEncoder(_tokenizer.Tokenizer, Map,
            new TokenClassificationOptions { Windows = new WindowOptions { MaxLength = 12, Stride = 4 } });
        var encoded = encoder.Encode(text);
        // 20 one-token words, budget 10, step 6: windows [0,10), [6,16), [12,20).
        Assert.Equal([0, 6, 12], encoded.Tokens.Windows.Select(w => w.ContentStart));

        // Window 0 calls every word B-PER, window 1 B-LOC, window 2 B-MISC.
        var logits = encoded.Tokens.Windows.Select((w, i) =>
        {
            var values = new float[w.Length * Map.Count];
            for (var t = 0; t < w.Length; t++) values[t * Map.Count + Map.BeginId(i)] = 5f;
            return (ReadOnlyMemory<float>)values;
        }).ToArray();
        var decoded = new TokenClassificationDecoder(Map).Decode(encoded, logits);

        // Token 7: window 0 has 2 tokens right of it, window 1 one to its left → window 0. Token 8: 1 against 2 → window 1.
        // Token 13: window 1 has 2 right, window 2 has 1 left → window 1; token 14: 1 against 2 → window 2.
        var expected = Enumerable.Range(0, 20).Select(t => t <= 7 ? "PER" : t <= 13 ? "LOC" : "MISC");
        Assert.Equal(expected, decoded.Select(s => s.Label));
        Assert.Equal(text.Split(' '), decoded.Select(s => text[s.Start..s.End]));
    }

    [Fact]
    public void ConfidenceIsTheMeanProbabilityOfTheSpansUnits()
    {
        var encoded = new TokenClassificationEncoder(_tokenizer.Tokenizer, Map).Encode("John Smith lives");
        var logits = new float[5 * Map.Count];
        // Softmax over 7 labels with one logit ln k and six zeros gives k / (k + 6): 6 → 0.5, 18 → 0.75.
        logits[1 * Map.Count + 1] = MathF.Log(6);
        logits[2 * Map.Count + 2] = MathF.Log(18);
        logits[3 * Map.Count + 0] = 9;
        var span = Assert.Single(new TokenClassificationDecoder(Map).Decode(encoded, [logits]));
        Assert.Equal(new Locus.Evaluation.EntitySpan(0, 10, "PER"), span.Span);
        Assert.Equal(0.625, span.Confidence, 5);
    }

    [Fact]
    public void WrongLogitShapesAreRejected()
    {
        var encoded = new TokenClassificationEncoder(_tokenizer.Tokenizer, Map).Encode(new NerExample("John", []));
        var decoder = new TokenClassificationDecoder(Map);
        Assert.Throws<ArgumentException>(() => decoder.Decode(encoded, []));
        Assert.Throws<ArgumentException>(() => decoder.Decode(encoded, [new float[3 * Map.Count - 1]]));
    }
}
