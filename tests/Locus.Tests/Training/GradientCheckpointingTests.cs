using Locus.Models.Bert;
using Locus.Models.Deberta;
using Locus.Models.Encoders;
using Locus.Tests.Models;
using Locus.Training.Lora;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Locus.Tests.Training;

/// <summary>
/// Activation checkpointing recomputes each layer in the backward pass; with dropout on (hidden, attention and LoRA
/// dropout, same seed) the gradients must equal those of the plain backward.
/// </summary>
public sealed class GradientCheckpointingTests
{
    // Three layers and dropout on, so recomputation has masks to replay.
    static DebertaV2Config TinyDeberta() => DebertaV2Tests.Tiny(c =>
    {
        c.NumHiddenLayers = 3;
        c.HiddenDropoutProb = 0.2;
        c.AttentionProbsDropoutProb = 0.2;
    });

    static BertConfig TinyBert() => new()
    {
        VocabSize = 100, HiddenSize = 16, NumHiddenLayers = 3, NumAttentionHeads = 2, IntermediateSize = 24,
        MaxPositionEmbeddings = 32, PadTokenId = 0, HiddenDropoutProb = 0.2, AttentionProbsDropoutProb = 0.2,
    };

    static EncoderInput Batch(int length = 20, int shortLength = 7)
    {
        using var generator = new Generator(11);
        var ids = randint(5, 100, new long[] { 2, length }, generator: generator);
        ids.select(1, 0).fill_(1);
        var mask = ones(2, length, ScalarType.Int64);
        mask[1].narrow(0, shortLength, length - shortLength).fill_(0);
        ids[1].narrow(0, shortLength, length - shortLength).fill_(0);
        return new EncoderInput(ids, mask);
    }

    /// <summary>One forward and backward in training mode from seed 5; the gradients of <paramref name="parameters"/> (cloned) and the loss.</summary>
    static (Dictionary<string, Tensor> Grads, float Loss) Step(EncoderModel model, IReadOnlyList<(string Name, Parameter Parameter)> parameters, EncoderInput input)
    {
        foreach (var (_, p) in parameters) p.grad?.zero_();
        using var scope = NewDisposeScope();
        manual_seed(5);
        var output = model.call(input);
        using var generator = new Generator(3);
        var weights = randn(output.LastHiddenState.shape, generator: generator);
        var loss = (output.LastHiddenState * weights).sum();
        loss.backward();
        var grads = parameters.ToDictionary(p => p.Name, p => (p.Parameter.grad ?? zeros_like(p.Parameter)).clone().DetachFromDisposeScope());
        return (grads, loss.item<float>());
    }

    static void AssertSameGradients(EncoderModel model, IReadOnlyList<(string Name, Parameter Parameter)> parameters)
    {
        var input = Batch();
        model.train();
        var (plain, plainLoss) = Step(model, parameters, input);
        float checkpointedLoss;
        Dictionary<string, Tensor> checkpointed;
        using (var enabled = ActivationCheckpoint.Enable(model))
        {
            Assert.Equal(1, enabled.Modules);
            (checkpointed, checkpointedLoss) = Step(model, parameters, input);
        }
        var (again, _) = Step(model, parameters, input);                    // switched back: the plain gradients again

        Assert.Equal(plainLoss, checkpointedLoss, 5);
        var nonZero = 0;
        foreach (var (name, grad) in plain)
        {
            var scale = Math.Max(1e-3f, grad.abs().max().item<float>());
            Assert.True(grad.sub(checkpointed[name]).abs().max().item<float>() <= 1e-5f * scale + 1e-6f, $"{name}: checkpointed gradient differs");
            Assert.True(grad.sub(again[name]).abs().max().item<float>() <= 1e-5f * scale + 1e-6f, $"{name}: gradient after disabling differs");
            if (grad.abs().max().item<float>() > 0) nonZero++;
        }
        Assert.True(nonZero >= parameters.Count / 2, $"only {nonZero} of {parameters.Count} gradients are non-zero");

        // Dropout is really on: another seed gives another loss.
        using (no_grad())
        {
            manual_seed(6);
            using var scope = NewDisposeScope();
            var other = model.call(input).LastHiddenState;
            manual_seed(5);
            var same = model.call(input).LastHiddenState;
            Assert.True(other.sub(same).abs().max().item<float>() > 1e-3f);
        }
    }

    [Fact]
    public void DebertaFullFineTuningGradientsMatchWithDropout()
    {
        using var model = new DebertaV2Model(TinyDeberta(), seed: 1);
        AssertSameGradients(model, model.named_parameters().Select(p => (p.name, p.parameter)).ToList());
    }

    [Fact]
    public void BertFullFineTuningGradientsMatchWithDropout()
    {
        using var model = new BertModel(TinyBert(), seed: 1);
        var parameters = model.named_parameters().Where(p => !p.name.StartsWith("pooler.", StringComparison.Ordinal)).Select(p => (p.name, p.parameter)).ToList();
        AssertSameGradients(model, parameters);
    }

    [Fact]
    public void DebertaLoraGradientsMatchWithLoraDropout()
    {
        using var model = new DebertaV2Model(TinyDeberta(), seed: 1);
        using var lora = new LoraModel(model);
        lora.AddAdapter("a", new LoraConfig { Rank = 4, Alpha = 8, Dropout = 0.3, TargetModules = ["query_proj", "value_proj", "intermediate.dense"] });
        lora.SetActiveAdapter("a");
        var trainable = lora.PrepareForTraining();
        manual_seed(9);
        using (no_grad())
            foreach (var layer in lora.LayersOf("a").Values) layer.B.normal_(0, 0.5);   // B ≠ 0, so A gets gradients too
        lora.Train(true);
        Assert.NotEmpty(trainable);
        AssertSameGradients(model, trainable);
    }

    [Fact]
    public void EvaluationAndNoGradRunsAreUnaffected()
    {
        using var model = new DebertaV2Model(TinyDeberta(), seed: 1);
        var input = Batch();
        model.eval();
        using var scope = NewDisposeScope();
        var plain = model.call(input).LastHiddenState;
        using var enabled = ActivationCheckpoint.Enable(model);
        var checkpointed = model.call(input).LastHiddenState;
        Assert.True(checkpointed.requires_grad);
        Assert.Equal(0f, plain.sub(checkpointed).abs().max().item<float>());
    }
}
