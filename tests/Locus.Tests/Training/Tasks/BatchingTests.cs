using Locus.Data;
using Locus.Training.Tasks;
using Xunit.Abstractions;

namespace Locus.Tests.Training.Tasks;

/// <summary>The collator's padding and the length-bucketed sampler's determinism and padding efficiency.</summary>
public sealed class BatchingTests(ITestOutputHelper output) : IDisposable
{
    private readonly TaskTokenizer _tokenizer = new();

    public void Dispose() => _tokenizer.Dispose();

    [Fact]
    public void TokenItemsArePaddedWithThePadIdAndIgnoredLabels()
    {
        var map = new BioLabelMap(["PER", "LOC"]);
        var encoder = new TokenClassificationEncoder(_tokenizer.Tokenizer, map);
        var items = new[]
        {
            encoder.Encode(new NerExample("John Smith", [new(0, 10, "PER")])).Items[0],
            encoder.Encode(new NerExample("John lives in Rome", [new(14, 18, "LOC")])).Items[0],
        };
        using var batch = BatchCollator.For(_tokenizer.Tokenizer).Collate(items);

        int Id(string token) => TaskTokenizer.Id(token);
        Assert.Equal([2L, 6L], batch.InputIds.shape);
        Assert.Equal(new long[] { 2, Id("john"), Id("smith"), 3, 0, 0, 2, Id("john"), Id("lives"), Id("in"), Id("rome"), 3 }, batch.InputIds.data<long>().ToArray());
        Assert.Equal(new long[] { 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1 }, batch.AttentionMask.data<long>().ToArray());
        Assert.All(batch.TokenTypeIds.data<long>().ToArray(), t => Assert.Equal(0, t));
        Assert.Equal(new long[] { -100, 1, 2, -100, -100, -100, -100, 0, 0, 0, 3, -100 }, batch.Labels!.data<long>().ToArray());
        Assert.Equal(10, batch.RealTokens);
        Assert.Equal(10 / 12.0, batch.PaddingEfficiency, 10);
    }

    [Fact]
    public void SequenceItemsGiveClassIndicesOrMultiHotTargets()
    {
        var map = new ClassLabelMap(["a", "b", "c"]);
        var single = new SequenceClassificationEncoder(_tokenizer.Tokenizer, map);
        using (var batch = new BatchCollator(0).Collate([single.Encode(new ClassificationExample("Rome", "c")).Items[0], single.Encode(new ClassificationExample("John Smith", "a")).Items[0]]))
        {
            Assert.Equal([2L], batch.Labels!.shape);
            Assert.Equal(new long[] { 2, 0 }, batch.Labels.data<long>().ToArray());
            Assert.Equal(TorchSharp.torch.ScalarType.Int64, batch.Labels.dtype);
        }

        var multi = new SequenceClassificationEncoder(_tokenizer.Tokenizer, map, new SequenceClassificationOptions { MultiLabel = true });
        using (var batch = new BatchCollator(0).Collate([multi.Encode(new ClassificationExample("Rome", ["a", "c"])).Items[0], multi.Encode(new ClassificationExample("Paris", ["b"])).Items[0]]))
        {
            Assert.Equal([2L, 3L], batch.Labels!.shape);
            Assert.Equal(new float[] { 1, 0, 1, 0, 1, 0 }, batch.Labels.data<float>().ToArray());
        }

        using var unlabelled = new BatchCollator(0).Collate([single.Encode("Rome").Items[0]]);
        Assert.Null(unlabelled.Labels);
    }

    [Fact]
    public void PaddingEfficiencyIsRealTokensOverPaddedPositions()
    {
        var sampler = new LengthBucketedBatchSampler([2, 4, 4, 8], batchSize: 2);
        // {2, 4} pads to 4 and {4, 8} to 8: 18 real tokens in 8 + 16 positions.
        Assert.Equal(0.75, sampler.PaddingEfficiency([[0, 1], [2, 3]]), 10);
        Assert.Equal(1.0, sampler.PaddingEfficiency([[1, 2], [0], [3]]), 10);
    }

    [Fact]
    public void BatchesDependOnlyOnTheRandomGeneratorAndHoldEveryItemOnce()
    {
        var lengths = Lengths(1000, seed: 11);
        var sampler = new LengthBucketedBatchSampler(lengths, batchSize: 16, bucketBatches: 10);
        var first = sampler.Batches(new Random(5));
        Assert.Equal(63, first.Length);
        Assert.Equal(63, sampler.BatchCount);
        Assert.Equal(Enumerable.Range(0, 1000), first.SelectMany(b => b).Order());
        Assert.Equal(62, first.Count(b => b.Length == 16));

        Assert.Equal(first, new LengthBucketedBatchSampler(lengths, 16, 10).Batches(new Random(5)));
        Assert.Equal(first, sampler.Batches(new Random(5)));
        Assert.NotEqual(first, sampler.Batches(new Random(6)));
    }

    [Fact]
    public void BucketingPadsFarLessThanRandomBatches()
    {
        var lengths = Lengths(2000, seed: 12);
        var bucketed = new LengthBucketedBatchSampler(lengths, batchSize: 32);
        var random = new LengthBucketedBatchSampler(lengths, batchSize: 32, bucketBatches: 1);
        var bucketedEfficiency = bucketed.PaddingEfficiency(bucketed.Batches(new Random(1)));
        var randomEfficiency = random.PaddingEfficiency(random.Batches(new Random(1)));
        output.WriteLine($"padding efficiency, 2000 items of 8-256 tokens, batch 32: bucketed {bucketedEfficiency:F3}, random {randomEfficiency:F3}");
        Assert.True(bucketedEfficiency > 0.9, $"bucketed {bucketedEfficiency}");
        Assert.True(randomEfficiency < 0.5, $"random {randomEfficiency}");
    }

    [Fact]
    public void WithOneBucketBatchesDoNotInterleaveInLength()
    {
        var lengths = Lengths(200, seed: 13);
        var batches = new LengthBucketedBatchSampler(lengths, batchSize: 10, bucketBatches: 20).Batches(new Random(2));
        var ranges = batches.Select(b => (Min: b.Min(i => lengths[i]), Max: b.Max(i => lengths[i]))).OrderBy(r => r.Min).ThenBy(r => r.Max).ToArray();
        for (var i = 1; i < ranges.Length; i++) Assert.True(ranges[i - 1].Max <= ranges[i].Min);
    }

    // Skewed like real text lengths: mostly short, a long tail.
    private static int[] Lengths(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => 8 + (int)(248 * Math.Pow(random.NextDouble(), 3))).ToArray();
    }
}
