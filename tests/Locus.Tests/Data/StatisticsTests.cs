using Locus.Data;

namespace Locus.Tests.Data;

public class StatisticsTests
{
    [Fact]
    public async Task NerStatisticsMatchHandComputedValues()
    {
        Example[] examples =
        [
            new NerExample("Ann met Bob", [new EntitySpan(0, 3, "PER"), new EntitySpan(8, 11, "PER")]),
            new NerExample("in Rome", [new EntitySpan(3, 7, "LOC")]),
            new NerExample("nothing here at all", []),
            new NerExample("😀 Bob", [new EntitySpan(3, 6, "PER")]), // 5 code points, 6 UTF-16 units
        ];
        var stats = await DatasetStatistics.ComputeAsync(DataRecord.FromExamples(examples));

        Assert.Equal((DataTask.Ner, 4, 4, 1), (stats.Task, stats.ExampleCount, stats.EntityCount!.Value, stats.ExamplesWithoutEntities!.Value));
        Assert.Equal([new("PER", 3), new KeyValuePair<string, int>("LOC", 1)], stats.LabelCounts);
        // Characters 5, 7, 11, 19: median halfway between 7 and 11; p95 at rank 2.85 = 11 + 0.85 * 8.
        AssertDistribution(stats.Characters, 4, 5, 10.5, 9, 17.8, 19);
        AssertDistribution(stats.Tokens, 4, 2, 2.75, 2.5, 3.85, 4);
        AssertDistribution(stats.SpansPerExample!, 4, 0, 1, 1, 1.85, 2);
        Assert.Null(stats.MultiLabelExamples);
    }

    [Fact]
    public async Task ClassificationStatisticsCountExamplesPerLabel()
    {
        Example[] examples = [new ClassificationExample("a", "x"), new ClassificationExample("b c", "y"), new ClassificationExample("d", ["x", "z"])];
        var stats = await DatasetStatistics.ComputeAsync(DataRecord.FromExamples(examples));
        Assert.Equal([new("x", 2), new("y", 1), new KeyValuePair<string, int>("z", 1)], stats.LabelCounts);
        Assert.Equal(1, stats.MultiLabelExamples);
        Assert.Null(stats.SpansPerExample);
        AssertDistribution(stats.Tokens, 3, 1, 4.0 / 3, 1, 1.9, 2);
    }

    [Fact]
    public async Task MixedTasksAreRejected()
    {
        var e = await Assert.ThrowsAsync<DataFormatException>(() =>
            DatasetStatistics.ComputeAsync(DataRecord.FromExamples([new ClassificationExample("a", "x"), new NerExample("b", [])])));
        Assert.Equal(2, e.Line);
    }

    [Fact]
    public void PercentileInterpolatesLinearlyLikeNumpy()
    {
        int[] values = [1, 2, 3, 4, 10];
        Assert.Equal(3, Distribution.Percentile(values, 0.5));
        Assert.Equal(8.8, Distribution.Percentile(values, 0.95), 10); // rank 3.8: 4 + 0.8 * 6
        Assert.Equal(1, Distribution.Percentile(values, 0));
        Assert.Equal(new Distribution(0, 0, 0, 0, 0, 0), Distribution.Of([]));
    }

    private static void AssertDistribution(Distribution d, int count, double min, double mean, double median, double p95, double max)
    {
        Assert.Equal(count, d.Count);
        Assert.Equal(min, d.Min, 10);
        Assert.Equal(mean, d.Mean, 10);
        Assert.Equal(median, d.Median, 10);
        Assert.Equal(p95, d.P95, 10);
        Assert.Equal(max, d.Max, 10);
    }
}
