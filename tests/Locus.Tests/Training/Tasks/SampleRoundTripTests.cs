using Locus.Data;
using Locus.Models.Tokenization;
using Locus.Tests.Data;
using Locus.Tests.TestSupport;
using Locus.Training.Tasks;
using Xunit.Abstractions;

namespace Locus.Tests.Training.Tasks;

/// <summary>
/// Encode → decode with perfect logits over the real NER excerpts in Data/Samples, with the real WordPiece (MiniLM)
/// and SentencePiece (DeBERTa-v3) tokenizers from the shared fixtures, in windows small enough to cut the sentences.
/// </summary>
public sealed class SampleRoundTripTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, HuggingFaceTokenizer> Tokenizers = [];

    private static HuggingFaceTokenizer Tokenizer(string name)
    {
        lock (Tokenizers)
        {
            if (!Tokenizers.TryGetValue(name, out var tokenizer))
                Tokenizers[name] = tokenizer = TokenizerFactory.FromFolder(SharedFixtures.PathOf("tokenizers", name));
            return tokenizer;
        }
    }

    public static TheoryData<string, string, bool> Cases()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var sample in new[] { "crossner_ai.txt", "wnut17.conll", "bc5cdr.tsv" })
        {
            foreach (var tokenizer in new[] { "all-MiniLM-L6-v2", "deberta-v3-spm" })
            {
                data.Add(sample, tokenizer, false);
                data.Add(sample, tokenizer, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task SpansOfRealSentencesComeBackExactly(string sample, string tokenizerName, bool allSubTokens)
    {
        var examples = (await ConllReader.ReadFileAsync(DataTestFiles.Sample(sample)).ToListAsync())
            .Select(r => (NerExample)r.Example).ToArray();
        var map = new BioLabelMap(examples.SelectMany(e => e.Spans).Select(s => s.Label).Distinct().Order(StringComparer.Ordinal));
        var tokenizer = Tokenizer(tokenizerName);
        var options = new TokenClassificationOptions { Windows = new WindowOptions { MaxLength = 24, Stride = 6 }, LabelAllSubTokens = allSubTokens };
        var dataset = new TokenClassificationEncoder(tokenizer, map, options).EncodeAll(examples);
        var decoder = new TokenClassificationDecoder(map);

        int spans = 0, roundTripped = 0;
        foreach (var (example, encoded) in examples.Zip(dataset.Texts))
        {
            var decoded = decoder.Decode(encoded, GoldLogits.For(encoded, map.Count)).Select(s => (s.Start, s.End, s.Label)).ToHashSet();
            Assert.Equal(encoded.Alignment.Labelled, decoded.Count);
            for (var i = 0; i < example.Spans.Count; i++)
            {
                var span = example.Spans[i];
                var back = decoded.Contains((span.Start, span.End, span.Label));
                Assert.Equal(encoded.SpanOutcomes[i] == SpanOutcome.Exact, back);
                spans++;
                if (back) roundTripped++;
            }
        }

        var windows = dataset.Items.Count;
        output.WriteLine($"{sample} with {tokenizerName} ({(allSubTokens ? "all sub-tokens" : "first sub-token")}): " +
            $"{examples.Length} texts in {windows} windows of ≤24 tokens; {roundTripped}/{spans} spans round-trip exactly; {dataset.Alignment}");
        Assert.True(windows > examples.Length, "the windows should cut some sentences");
        Assert.Equal(spans, roundTripped);
    }

    [Fact]
    public void SentencePieceWordsAreCutAtPunctuationSoSpansCanEndBeforeIt()
    {
        // SentencePiece words run from space to space: "Paris," is one word of two pieces, ▁Paris (offsets 9-15, the
        // space included) and ",".
        var example = new NerExample("We met in Paris, (Texas) and Rome.", [new(10, 15, "LOC"), new(18, 23, "LOC"), new(29, 33, "LOC")]);
        var map = new BioLabelMap(["LOC"]);
        var tokenizer = Tokenizer("deberta-v3-spm");
        foreach (var split in new[] { true, false })
        {
            var encoder = new TokenClassificationEncoder(tokenizer, map, new TokenClassificationOptions { SplitWordsAtPunctuation = split });
            var encoded = encoder.Encode(example);
            var decoded = new TokenClassificationDecoder(map).Decode(encoded, GoldLogits.For(encoded, map.Count));
            var texts = decoded.Select(s => example.Text[s.Start..s.End]);
            if (split)
            {
                Assert.Equal(new SpanAlignment(3, 0, 0, 0), encoded.Alignment);
                Assert.Equal(["Paris", "Texas", "Rome"], texts);
            }
            else
            {
                Assert.Equal(new SpanAlignment(0, 3, 0, 0), encoded.Alignment);
                Assert.Equal(["Paris,", "(Texas)", "Rome."], texts);
            }
        }
    }
}
