using Locus.Models.Encoders;
using Locus.Tests.TestSupport;
using static TorchSharp.torch;

namespace Locus.Tests.Models;

/// <summary>Mean pooling for sequence classifiers: the normalised mean of the real tokens, recorded in config.json.</summary>
public sealed class SequencePoolingTests
{
    [Theory]
    [InlineData("bert-tiny")]
    [InlineData("deberta-v3-tiny")]
    public void MeanPoolingIsTheNormalisedMeanOfRealTokens(string model)
    {
        using var scope = NewDisposeScope();
        using var classifier = EncoderModels.LoadClassifier(SharedFixtures.PathOf("models", model), ClassificationTask.SequenceClassification,
            new EncoderLoadOptions { Labels = ["a", "b", "c"], Seed = 1, SequencePooling = SequencePooling.Mean });
        Assert.Equal(SequencePooling.Mean, SequencePoolings.Of(classifier.Config));
        var ids = tensor(new long[] { 2, 5, 6, 7, 3, 2, 8, 3, 0, 0 }, [2, 5]);
        var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 0, 0 }, [2, 5]);
        using var noGrad = no_grad();
        var input = new EncoderInput(ids, mask);
        var features = ((ILinearHeadClassifier)classifier).Features(input);
        var hidden = classifier.Encoder.forward(input).LastHiddenState;
        var second = hidden[1].narrow(0, 0, 3).mean([0]);
        var expected = second / second.norm();
        Assert.True(features[1].allclose(expected, rtol: 1e-5, atol: 1e-6));
        Assert.Equal(1.0, features.norm(1).mean().item<float>(), 5);
        // The head reads the features: logits = W·features + b (eval mode: no dropout).
        var logits = classifier.forward(input).Logits;
        Assert.True(logits.allclose(((ILinearHeadClassifier)classifier).OutputLayer.forward(features), rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void PoolingSurvivesSaveAndLoad()
    {
        using var dir = new TempDir();
        using (var classifier = EncoderModels.LoadClassifier(SharedFixtures.PathOf("models", "bert-tiny"), ClassificationTask.SequenceClassification,
                   new EncoderLoadOptions { Labels = ["a", "b"], Seed = 1, SequencePooling = SequencePooling.Mean }))
            classifier.SavePretrained(dir.Path);
        using var loaded = EncoderModels.LoadClassifier(dir.Path, ClassificationTask.SequenceClassification);
        Assert.Equal(SequencePooling.Mean, SequencePoolings.Of(loaded.Config));
        Assert.Contains("\"locus_sequence_pooling\": \"mean\"", File.ReadAllText(Path.Combine(dir.Path, "config.json")));
    }
}
