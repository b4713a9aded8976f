using Locus.Models.Bert;
using Locus.Models.Encoders;
using Locus.Training.Trainer;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Locus.Tests.Training;

public class Bf16LinearAutocastTests
{
    static EncoderClassifier Classifier()
    {
        var config = new BertConfig { VocabSize = 50, HiddenSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 2, IntermediateSize = 64, MaxPositionEmbeddings = 32, Labels = ["a", "b", "c"] };
        var model = EncoderModels.CreateClassifier(config, ClassificationTask.TokenClassification, seed: 5);
        model.eval();
        return model;
    }

    static Tensor Logits(EncoderClassifier model)
    {
        using var generator = new Generator(3, CPU);
        using var ids = randint(1, 50, [2, 12], generator: generator);
        using var mask = ones_like(ids);
        using (no_grad()) return model.call(new EncoderInput(ids, mask)).Logits.detach();
    }

    [Fact]
    public void FrozenLinearsComputeInBf16AndGetTheirFloat32WeightsBack()
    {
        using var model = Classifier();
        foreach (var p in model.parameters()) p.requires_grad = false;
        var linears = model.named_modules().Where(m => m.module is Linear).ToList();
        var before = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        using var reference = Logits(model);

        using (var autocast = new Bf16LinearAutocast(model))
        {
            Assert.Equal(linears.Count, autocast.Layers);
            Assert.All(linears, m => Assert.Equal(ScalarType.BFloat16, ((Linear)m.module).weight!.dtype));
            using var bf16 = Logits(model);
            Assert.Equal(ScalarType.Float32, bf16.dtype);
            var error = (bf16 - reference).abs().max().item<float>();
            var scale = reference.abs().max().item<float>();
            Assert.True(error > 0 && error < 0.05 * scale, $"max |bf16 - fp32| = {error}, max |fp32| = {scale}");
        }

        foreach (var (name, p) in model.named_parameters())
        {
            Assert.Equal(ScalarType.Float32, p.dtype);
            Assert.True(p.eq(before[name]).all().item<bool>(), name);
        }
        using var after = Logits(model);
        Assert.True(after.eq(reference).all().item<bool>());
    }

    [Fact]
    public void TrainableLinearsStayFloat32()
    {
        using var model = Classifier();
        foreach (var (name, p) in model.named_parameters()) p.requires_grad = name.StartsWith("classifier.", StringComparison.Ordinal);
        var linears = model.named_modules().Count(m => m.module is Linear);
        using var autocast = new Bf16LinearAutocast(model);
        Assert.Equal(linears - 1, autocast.Layers);
        Assert.Equal(ScalarType.Float32, model.named_parameters().Single(p => p.name == "classifier.weight").parameter.dtype);

        // Gradients reach the float32 head through the bf16 encoder.
        using var logits = model.call(new EncoderInput(ones(1, 4, dtype: ScalarType.Int64), ones(1, 4, dtype: ScalarType.Int64))).Logits;
        logits.sum().backward();
        var head = model.named_parameters().Single(p => p.name == "classifier.weight").parameter;
        Assert.Equal(ScalarType.Float32, head.grad!.dtype);
        Assert.True(head.grad.abs().sum().item<float>() > 0);
    }
}
