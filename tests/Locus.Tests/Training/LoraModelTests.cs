using Locus.Models.Safetensors;
using Locus.Tests.TestSupport;
using Locus.Training.Lora;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Locus.Tests.Training;

public class LoraModelTests
{
    sealed class Block : nn.Module<Tensor, Tensor>
    {
        readonly Linear query, value;
        public Block() : base(nameof(Block))
        {
            query = nn.Linear(6, 6);
            value = nn.Linear(6, 6);
            RegisterComponents();
        }
        public override Tensor forward(Tensor x) => nn.functional.gelu(query.call(x)) + value.call(x);
    }

    sealed class TinyNet : nn.Module<Tensor, Tensor>
    {
        readonly Block block;
        readonly Linear classifier;
        public TinyNet() : base(nameof(TinyNet))
        {
            block = new Block();
            classifier = nn.Linear(6, 3);
            RegisterComponents();
        }
        public override Tensor forward(Tensor x) => classifier.call(block.call(x));
    }

    static readonly LoraConfig Config = new() { Rank = 2, Alpha = 4, Dropout = 0, TargetModules = ["query", "value"], ModulesToSave = ["classifier"], TaskType = "SEQ_CLS" };

    static (TinyNet, Tensor) Setup(int seed = 1)
    {
        manual_seed(seed);
        var net = new TinyNet();
        net.eval();
        return (net, randn(4, 6));
    }

    static void Randomise(LoraModel lora, string adapter, int seed)
    {
        manual_seed(seed);
        using (no_grad())
            foreach (var layer in lora.LayersOf(adapter).Values) layer.B.normal_(0, 0.5);
    }

    static float MaxDiff(Tensor a, Tensor b) => a.sub(b).abs().max().item<float>();

    [Fact]
    public void FreshAdapterLeavesTheBaseOutputUnchanged()
    {
        var (net, x) = Setup();
        using var baseline = net.forward(x);
        using var lora = new LoraModel(net);
        lora.AddAdapter("a", Config);
        Assert.Equal(2, lora.LayersOf("a").Count);
        Assert.Equal(0f, MaxDiff(net.forward(x), baseline));
        Assert.Equal(2.0, lora.ConfigOf("a").Scaling);
    }

    [Fact]
    public void MergedEqualsUnmergedAndUnmergeRestoresTheBase()
    {
        var (net, x) = Setup();
        using var baseline = net.forward(x);
        using var lora = new LoraModel(net);
        lora.AddAdapter("a", Config);
        Randomise(lora, "a", 7);
        using var unmerged = net.forward(x);
        Assert.True(MaxDiff(unmerged, baseline) > 1e-2f);

        lora.Merge();
        Assert.True(lora.IsMerged);
        Assert.True(MaxDiff(net.forward(x), unmerged) < 1e-5f);
        lora.Unmerge();
        Assert.True(MaxDiff(net.forward(x), unmerged) < 1e-5f);
        lora.SetActiveAdapter(null);
        Assert.True(MaxDiff(net.forward(x), baseline) < 1e-5f);
    }

    [Fact]
    public void TrainingFreezesTheBaseAndTrainsAdaptersAndHead()
    {
        var (net, _) = Setup();
        using var lora = new LoraModel(net);
        lora.AddAdapter("a", Config);
        var names = lora.PrepareForTraining().Select(p => p.Name).Order().ToArray();
        Assert.Equal(["block.query.lora_A.weight", "block.query.lora_B.weight", "block.value.lora_A.weight", "block.value.lora_B.weight", "classifier.bias", "classifier.weight"], names);
        Assert.False(net.named_parameters().First(p => p.name == "block.query.weight").parameter.requires_grad);
    }

    [Fact]
    public void SaveWritesPeftKeysAndLoadReproducesOutputs()
    {
        using var dir = new TempDir();
        var (net, x) = Setup();
        Tensor expected;
        using (var lora = new LoraModel(net))
        {
            lora.AddAdapter("a", Config);
            Randomise(lora, "a", 3);
            using (no_grad()) net.named_parameters().First(p => p.name == "classifier.bias").parameter.add_(1.0);
            expected = net.forward(x);
            PeftAdapterFiles.Save(lora, "a", dir.Path);
        }

        using (var file = SafetensorsFile.Open(dir.File(PeftAdapterFiles.WeightsFile)))
        {
            Assert.Equal(
                ["base_model.model.block.query.lora_A.weight", "base_model.model.block.query.lora_B.weight",
                 "base_model.model.block.value.lora_A.weight", "base_model.model.block.value.lora_B.weight",
                 "base_model.model.classifier.bias", "base_model.model.classifier.weight"],
                file.Entries.Keys.Order().ToArray());
            Assert.Equal(new long[] { 2, 6 }, file.Entries["base_model.model.block.query.lora_A.weight"].Shape);
        }
        var json = File.ReadAllText(dir.File(PeftAdapterFiles.ConfigFile));
        Assert.Contains("\"peft_type\": \"LORA\"", json);
        Assert.Contains("\"lora_alpha\": 4", json);

        var (fresh, _) = Setup(); // same seed: same base weights, head bias back to its base value
        using var reloaded = new LoraModel(fresh);
        PeftAdapterFiles.Load(reloaded, dir.Path, "a");
        Assert.True(MaxDiff(fresh.forward(x), expected) < 1e-6f);
    }

    [Fact]
    public void SwitchingAdaptersSwitchesUpdatesAndHeads()
    {
        var (net, x) = Setup();
        using var baseline = net.forward(x);
        using var lora = new LoraModel(net);
        lora.AddAdapter("a", Config);
        Randomise(lora, "a", 11);
        using (no_grad()) net.named_parameters().First(p => p.name == "classifier.bias").parameter.add_(2.0);
        using var outA = net.forward(x);

        lora.AddAdapter("b", Config); // starts from the base head, not a's trained head
        Randomise(lora, "b", 12);
        using var outB = net.forward(x);
        Assert.True(MaxDiff(outA, outB) > 1e-2f);

        lora.SetActiveAdapter("a");
        Assert.True(MaxDiff(net.forward(x), outA) < 1e-6f);
        lora.SetActiveAdapter("b");
        Assert.True(MaxDiff(net.forward(x), outB) < 1e-6f);
        lora.SetActiveAdapter(null); // no adapter: the base model, base head included
        Assert.True(MaxDiff(net.forward(x), baseline) < 1e-6f);
    }

    [Fact]
    public void TargetsThatMatchNothingAreAClearError()
    {
        var (net, _) = Setup();
        using var lora = new LoraModel(net);
        var error = Assert.Throws<LocusException>(() => lora.AddAdapter("a", new LoraConfig { TargetModules = ["query_proj"] }));
        Assert.Contains("query_proj", error.Message);
        Assert.Contains("block.query", error.Message);
    }

    static readonly string[] EncoderLayerPaths =
    [
        "bert.encoder.layer.0.attention.self.query", "bert.encoder.layer.0.attention.output.dense",
        "bert.encoder.layer.0.intermediate.dense", "bert.encoder.layer.0.output.dense", "bert.pooler.dense",
    ];

    [Fact]
    public void AListTargetsBySuffixSoOutputDenseAlsoTakesTheAttentionOutput()
    {
        var config = new LoraConfig { TargetModules = ["output.dense"] };
        Assert.Equal(["bert.encoder.layer.0.attention.output.dense", "bert.encoder.layer.0.output.dense"], EncoderLayerPaths.Where(config.Targets));
    }

    [Fact]
    public void ARegexMustMatchTheWholePathAsPeftsFullmatchDoes()
    {
        var feedForwardOutput = new LoraConfig { TargetModulesRegex = @".*\.layer\.\d+\.output\.dense" };
        Assert.Equal(["bert.encoder.layer.0.output.dense"], EncoderLayerPaths.Where(feedForwardOutput.Targets));
        // An alternation stays inside the anchors: re.fullmatch("query|output.dense", path) matches neither path here.
        var bare = new LoraConfig { TargetModulesRegex = "query|output.dense" };
        Assert.DoesNotContain(EncoderLayerPaths, bare.Targets);
        Assert.Throws<LocusException>(() => new LoraConfig { TargetModulesRegex = "(unclosed" });
    }

    [Fact]
    public void ARegexIsWrittenAsAStringAndReadBackAsARegex()
    {
        using var dir = new TempDir();
        var (net, x) = Setup();
        Tensor expected;
        var regexConfig = new LoraConfig { Rank = 2, Alpha = 4, Dropout = 0, TargetModulesRegex = @"block\.(query|value)", ModulesToSave = ["classifier"] };
        using (var lora = new LoraModel(net))
        {
            lora.AddAdapter("a", regexConfig);
            Assert.Equal(["block.query", "block.value"], lora.LayersOf("a").Keys.Order());
            Randomise(lora, "a", 5);
            expected = net.forward(x);
            PeftAdapterFiles.Save(lora, "a", dir.Path);
        }

        // PEFT reads a string target_modules as a pattern for re.fullmatch against each module name, a list by suffix:
        // the file must keep the string form, and the pattern must select exactly the modules whose weights were written.
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(dir.File(PeftAdapterFiles.ConfigFile)))!;
        Assert.Equal(@"block\.(query|value)", json["target_modules"]!.GetValue<string>());
        using (var file = SafetensorsFile.Open(dir.File(PeftAdapterFiles.WeightsFile)))
        {
            var adapted = file.Entries.Keys.Where(k => k.EndsWith(".lora_A.weight", StringComparison.Ordinal))
                .Select(k => k["base_model.model.".Length..^".lora_A.weight".Length]);
            var modules = net.named_modules().Select(m => m.name).Where(n => n.Length > 0);
            Assert.Equal(modules.Where(n => System.Text.RegularExpressions.Regex.IsMatch(n, @"^(?:block\.(query|value))\z")).Order(), adapted.Order());
        }

        var (fresh, _) = Setup();
        using var reloaded = new LoraModel(fresh);
        PeftAdapterFiles.Load(reloaded, dir.Path, "a");
        Assert.Equal(@"block\.(query|value)", reloaded.ConfigOf("a").TargetModulesRegex);
        Assert.Empty(reloaded.ConfigOf("a").TargetModules);
        Assert.True(MaxDiff(fresh.forward(x), expected) < 1e-6f);

        // The list form stays a JSON array.
        Assert.IsType<System.Text.Json.Nodes.JsonArray>(Config.ToPeftJson()["target_modules"]);
    }
}
