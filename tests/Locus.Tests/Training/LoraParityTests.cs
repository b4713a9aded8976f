using Locus.Models.Bert;
using Locus.Models.Encoders;
using Locus.Models.Safetensors;
using Locus.Tests.TestSupport;
using Locus.Training.Lora;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Locus.Tests.Training;

/// <summary>
/// LoRA on bert-tiny against the reference (shared/fixtures/models/bert-tiny-lora.vectors.json): r=4, alpha=8 on
/// layer 0's query and value, with the A and B given there; unmerged (hooks) and merged outputs and the merged weights.
/// </summary>
public class LoraParityTests(ITestOutputHelper output)
{
    const double Tolerance = 1e-5;
    static readonly ReferenceVectors Vectors = ReferenceVectors.LoadModel("bert-tiny-lora");

    static (BertModel Model, LoraModel Lora) LoadWithReferenceAdapter()
    {
        var model = BertModel.FromPretrained(SharedFixtures.PathOf("models", "bert-tiny"));
        var lora = new LoraModel(model);
        lora.AddAdapter("reference", new LoraConfig { Rank = 4, Alpha = 8, Dropout = 0, TargetModules = ["query", "value"] });
        using (no_grad())
        {
            foreach (var target in new[] { "query", "value" })
            {
                var layer = lora.LayersOf("reference")[Vectors.Element($"targets.{target}.module").GetString()!];
                layer.A.copy_(Vectors.Floats($"targets.{target}.A"));
                layer.B.copy_(Vectors.Floats($"targets.{target}.B"));
            }
        }
        lora.Train(false);
        return (model, lora);
    }

    EncoderInput Inputs() => new(Vectors.Longs("inputs.input_ids"), Vectors.Longs("inputs.attention_mask"), Vectors.Longs("inputs.token_type_ids"));

    void AssertClose(string what, Tensor actual, Tensor expected, Tensor? mask)
    {
        var diff = ReferenceVectors.MaxAbsDiff(actual, expected, mask);
        output.WriteLine($"{what}: max |diff| = {diff:E2}");
        Assert.True(diff <= Tolerance, $"{what}: max |diff| {diff:E3} > {Tolerance:E0}");
    }

    [Fact]
    public void UnmergedAndMergedLoraParity()
    {
        var (model, lora) = LoadWithReferenceAdapter();
        using (model)
        using (lora)
        using (no_grad())
        {
            var input = Inputs();
            Assert.Equal(2.0, lora.ConfigOf("reference").Scaling);

            var unmerged = model.forward(input);
            AssertClose("unmerged last_hidden_state", unmerged.LastHiddenState, Vectors.Floats("outputs_unmerged.last_hidden_state"), input.AttentionMask);
            AssertClose("unmerged pooler_output", unmerged.PoolerOutput!, Vectors.Floats("outputs_unmerged.pooler_output"), null);

            lora.Merge();
            foreach (var target in new[] { "query", "value" })
            {
                var key = Vectors.Element($"targets.{target}.base_weight_key").GetString()!;
                var weight = model.named_parameters().First(p => p.name == key).parameter;
                AssertClose($"merged {target} weight", weight, Vectors.Floats($"targets.{target}.merged_weight"), null);
            }
            var merged = model.forward(input);
            AssertClose("merged last_hidden_state", merged.LastHiddenState, Vectors.Floats("outputs_merged.last_hidden_state"), input.AttentionMask);
            AssertClose("merged pooler_output", merged.PoolerOutput!, Vectors.Floats("outputs_merged.pooler_output"), null);
        }
    }

    [Fact]
    public void SavedAdapterUsesTheReferencePeftKeyNames()
    {
        using var dir = new TempDir();
        var (model, lora) = LoadWithReferenceAdapter();
        using (model)
        using (lora)
        {
            PeftAdapterFiles.Save(lora, "reference", dir.Path);
        }
        using var file = SafetensorsFile.Open(dir.File(PeftAdapterFiles.WeightsFile));
        foreach (var target in new[] { "query", "value" })
        {
            foreach (var matrix in new[] { "A", "B" })
            {
                var key = Vectors.Element($"targets.{target}.peft_key_names.{matrix}").GetString()!;
                Assert.True(file.Entries.ContainsKey(key), key);
                using var stored = file.Read(key);
                Assert.True(stored.eq(Vectors.Floats($"targets.{target}.{matrix}")).all().item<bool>(), key);
            }
        }
    }
}
