using Locus.Data;
using Locus.Training.Tasks;

namespace Locus.Tests.Training.Tasks;

/// <summary>Classification targets, window averaging, thresholds and their tuning, with hand-computed numbers.</summary>
public sealed class SequenceClassificationTests : IDisposable
{
    private static readonly ClassLabelMap Map = new(["sports", "business", "world"]);

    private readonly TaskTokenizer _tokenizer = new();

    public void Dispose() => _tokenizer.Dispose();

    private SequenceClassificationEncoder Encoder(bool multiLabel, int maxLength = 512, int stride = 0) => new(_tokenizer.Tokenizer, Map,
        new SequenceClassificationOptions { MultiLabel = multiLabel, Windows = new WindowOptions { MaxLength = maxLength, Stride = stride } });

    [Fact]
    public void SingleLabelExamplesGetAClassIndexOnEveryWindow()
    {
        var encoded = Encoder(false, maxLength: 6, stride: 1).Encode(new ClassificationExample("John went to Rome and Paris today", "world"), 4);
        Assert.Equal(2, encoded.Label);
        Assert.Null(encoded.Targets!);
        Assert.Equal(2, encoded.Items.Count); // 7 tokens, 4 per window with 1 repeated: [0,4), [3,7)
        Assert.All(encoded.Items, item => Assert.Equal((2, 4), (item.Label, item.Window.TextIndex)));
    }

    [Fact]
    public void MultiLabelExamplesGetMultiHotTargets()
    {
        var encoder = Encoder(true);
        Assert.Equal([1f, 0f, 1f], encoder.Encode(new ClassificationExample("Rome", ["world", "sports"])).Targets!);
        Assert.Equal([0f, 1f, 0f], encoder.Encode(new ClassificationExample("Rome", "business")).Targets!);
        Assert.Equal([0f, 0f, 0f], encoder.Encode(new ClassificationExample("Rome", Array.Empty<string>())).Targets!);
        Assert.Equal(TokenLabels.Ignore, encoder.Encode(new ClassificationExample("Rome", ["world"])).Label);
    }

    [Fact]
    public void LabelProblemsNameTheExample()
    {
        var unknown = Assert.Throws<LocusException>(() => Encoder(false).Encode(new ClassificationExample("Rome", "travel"), 9));
        Assert.Contains("Example 9", unknown.Message);
        Assert.Contains("'travel'", unknown.Message);
        var several = Assert.Throws<LocusException>(() => Encoder(false).Encode(new ClassificationExample("Rome", ["world", "sports"])));
        Assert.Contains("2 labels", several.Message);
    }

    [Fact]
    public void ProbabilitiesAreAveragedOverWindows()
    {
        // softmax([0, ln 3, 0]) = [.2, .6, .2]; softmax([ln 2, ln 2, 0]) = [.4, .4, .2]; mean [.3, .5, .2].
        var single = new SequenceClassificationDecoder(Map, multiLabel: false)
            .Probabilities([new[] { 0f, MathF.Log(3), 0f }, new[] { MathF.Log(2), MathF.Log(2), 0f }]);
        AssertClose([0.3f, 0.5f, 0.2f], single);
        Assert.Equal((1, single[1]), SequenceClassificationDecoder.PredictSingle(single));

        // sigmoid(0) = .5, sigmoid(ln 3) = .75, sigmoid(−ln 3) = .25.
        var multi = new SequenceClassificationDecoder(Map, multiLabel: true)
            .Probabilities([new[] { 0f, MathF.Log(3), -MathF.Log(3) }, new[] { MathF.Log(3), MathF.Log(3), -MathF.Log(3) }]);
        AssertClose([0.625f, 0.75f, 0.25f], multi);
    }

    [Fact]
    public void MultiLabelPredictionUsesPerLabelThresholds()
    {
        float[] probabilities = [0.625f, 0.75f, 0.25f];
        Assert.Equal([0, 1], SequenceClassificationDecoder.PredictMulti(probabilities));
        Assert.Equal([1, 2], SequenceClassificationDecoder.PredictMulti(probabilities, [0.7f, 0.75f, 0.2f]));
        Assert.Throws<ArgumentException>(() => SequenceClassificationDecoder.PredictMulti(probabilities, [0.5f]));
    }

    [Fact]
    public void TuningFindsTheF1MaximisingThresholdPerLabel()
    {
        // Label 0, by falling probability: .9 (gold) .8 .35 (gold) .3 .1; two positives. Predicting the top k:
        // k=1 F1 2/3, k=2 1/2, k=3 4/5 (cut between .35 and .3: .325), k=4 2/3, k=5 4/7. The default 0.5 gives 1/2.
        // Label 1 has no positive: it keeps 0.5. Label 2: .9 (gold) .7 .6 .4 .1 (gold): k=1 2/3 (cut .8), k=2 1/2,
        // k=3 2/5, k=4 1/3, k=5 4/7.
        float[][] probabilities = [[0.9f, 0.2f, 0.9f], [0.8f, 0.1f, 0.6f], [0.35f, 0.7f, 0.4f], [0.3f, 0.3f, 0.1f], [0.1f, 0.4f, 0.7f]];
        float[][] targets = [[1, 0, 1], [0, 0, 0], [1, 0, 0], [0, 0, 1], [0, 0, 0]];
        var tuned = ThresholdTuner.Tune(probabilities, targets);
        Assert.Equal(0.325f, tuned.Thresholds[0], 5);
        Assert.Equal(0.8, tuned.F1[0], 10);
        Assert.Equal(0.5f, tuned.Thresholds[1]);
        Assert.True(double.IsNaN(tuned.F1[1]));
        Assert.Equal(0.8f, tuned.Thresholds[2], 5);
        Assert.Equal(2.0 / 3, tuned.F1[2], 10);

        var predicted = probabilities.Select(p => SequenceClassificationDecoder.PredictMulti(p, tuned.Thresholds)).ToArray();
        Assert.Equal(new int[][] { [0, 2], [0], [0, 1], [], [] }, predicted);
    }

    [Fact]
    public void TuningPrefersTheCutNearestTheDefaultAmongEqualF1()
    {
        // .9 (gold) .6 .4 .1 (gold): k=1 and k=4 both give F1 2/3, at cuts .75 and .05.
        float[][] probabilities = [[0.9f], [0.6f], [0.4f], [0.1f]];
        float[][] targets = [[1], [0], [0], [1]];
        Assert.Equal(0.75f, ThresholdTuner.Tune(probabilities, targets).Thresholds[0], 5);

        // Equal probabilities cannot be cut apart: .5 (gold) .5 → only "both" (F1 2/3, threshold .25).
        var tied = ThresholdTuner.Tune([[0.5f], [0.5f]], [[1], [0]]);
        Assert.Equal(0.25f, tied.Thresholds[0], 5);
        Assert.Equal(2.0 / 3, tied.F1[0], 10);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }
}
