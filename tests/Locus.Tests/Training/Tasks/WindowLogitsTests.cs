using Locus.Data;
using Locus.Training.Tasks;
using static TorchSharp.torch;

namespace Locus.Tests.Training.Tasks;

/// <summary>From bucketed, padded batches of windows through logit tensors back to each text's spans.</summary>
public sealed class WindowLogitsTests : IDisposable
{
    private static readonly BioLabelMap Map = new(["PER", "LOC"]);

    private readonly TaskTokenizer _tokenizer = new();

    public void Dispose() => _tokenizer.Dispose();

    [Fact]
    public void BatchesInShuffledOrderDecodeBackToEveryTextsSpans()
    {
        string[] texts =
        [
            "John Smith visited Paris and Berlin today . Mary Anne went to Rome and New York",
            "Rome",
            "the city of Berlin is a city and Paris is a city . John lives in Rome",
        ];
        var examples = texts.Select(text => new NerExample(text, Spans(text))).ToArray();
        var dataset = new TokenClassificationEncoder(_tokenizer.Tokenizer, Map,
            new TokenClassificationOptions { Windows = new WindowOptions { MaxLength = 8, Stride = 2 } }).EncodeAll(examples);
        Assert.True(dataset.Items.Count > 6);

        var items = dataset.Items;
        var store = new WindowLogits(dataset.Texts.Select(t => t.Items.Count));
        var collator = BatchCollator.For(_tokenizer.Tokenizer);
        foreach (var batchIndices in new LengthBucketedBatchSampler(items.Select(i => i.Window.Length), batchSize: 3).Batches(new Random(4)))
        {
            var batchItems = batchIndices.Select(i => items[i]).ToArray();
            using var batch = collator.Collate(batchItems);
            // A perfect model: one-hot on the gold labels ([batch, seq, labels]); ignored positions get all zeros.
            using var gold = batch.Labels!.clamp_min(0);
            using var logits = nn.functional.one_hot(gold, Map.Count).to_type(ScalarType.Float32).mul(6f);
            store.Add(batchItems, logits);
        }

        var decoder = new TokenClassificationDecoder(Map);
        for (var t = 0; t < examples.Length; t++)
        {
            var decoded = decoder.Decode(dataset.Texts[t], store.Of(t));
            Assert.Equal(examples[t].Spans.Select(s => (s.Start, s.End, s.Label)), decoded.Select(s => (s.Start, s.End, s.Label)));
        }
    }

    [Fact]
    public void AMissingWindowIsReported()
    {
        var store = new WindowLogits([2]);
        Assert.Throws<InvalidOperationException>(() => store.Of(0));
    }

    // Every occurrence of the names below, typed by a fixed table.
    private static EntitySpan[] Spans(string text)
    {
        (string Name, string Type)[] names = [("John Smith", "PER"), ("Mary Anne", "PER"), ("John", "PER"), ("New York", "LOC"), ("Paris", "LOC"), ("Berlin", "LOC"), ("Rome", "LOC")];
        var spans = new List<EntitySpan>();
        var taken = new bool[text.Length];
        foreach (var (name, type) in names)
        {
            for (var at = text.IndexOf(name, StringComparison.Ordinal); at >= 0; at = text.IndexOf(name, at + 1, StringComparison.Ordinal))
            {
                if (taken[at]) continue;
                Array.Fill(taken, true, at, name.Length);
                spans.Add(new EntitySpan(at, at + name.Length, type));
            }
        }

        return [.. spans.OrderBy(s => s.Start)];
    }
}
