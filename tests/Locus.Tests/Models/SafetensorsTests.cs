using Locus.Models.Checkpoints;
using Locus.Models.Safetensors;
using Locus.Tests.TestSupport;
using static TorchSharp.torch;

namespace Locus.Tests.Models;

public class SafetensorsTests
{
    [Fact]
    public void ReadsTheHuggingFaceFixtureHeaderAndValues()
    {
        using var file = SafetensorsFile.Open(SharedFixtures.PathOf("models", "bert-tiny", "model.safetensors"));
        Assert.Equal("pt", file.Metadata["format"]);
        var entry = file.Entries["embeddings.word_embeddings.weight"];
        Assert.Equal(SafetensorsDtype.F32, entry.Dtype);
        Assert.Equal(new long[] { 1000, 32 }, entry.Shape);
        using var t = file.Read("embeddings.word_embeddings.weight");
        Assert.Equal(new long[] { 1000, 32 }, t.shape);
        Assert.True(t.abs().max().item<float>() > 0.5f); // N(0,1) values, not zeros
    }

    [Fact]
    public void OpensThroughASymlinkAsTheHuggingFaceCacheSnapshotsAreMade()
    {
        // snapshots/<commit>/model.safetensors -> ../../blobs/<sha256>: the link itself is only a path long.
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("blobs"));
        Directory.CreateDirectory(dir.File("snapshot"));
        var blob = dir.File("blobs/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        using var original = arange(0, 600, dtype: ScalarType.Float32);
        SafetensorsWriter.Write(blob, new Dictionary<string, Tensor> { ["w"] = original }, new Dictionary<string, string>());
        var link = dir.File("snapshot/model.safetensors");
        File.CreateSymbolicLink(link, Path.GetRelativePath(dir.File("snapshot"), blob));
        Assert.True(new FileInfo(link).Length < new FileInfo(blob).Length);

        using var file = SafetensorsFile.Open(link);
        using var back = file.Read("w");
        Assert.True(back.eq(original).all().item<bool>());
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float16)]
    [InlineData(ScalarType.BFloat16)]
    [InlineData(ScalarType.Int64)]
    [InlineData(ScalarType.Float64)]
    [InlineData(ScalarType.Int8)]
    public void WriteThenReadRoundTripsEveryDtype(ScalarType dtype)
    {
        using var dir = new TempDir();
        var path = dir.File("t.safetensors");
        using var original = arange(0, 24, dtype: ScalarType.Float32).reshape(2, 3, 4).sub(7).to_type(dtype);
        using var scalar = tensor(3.5).to_type(ScalarType.Float32);
        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["a.weight"] = original, ["s"] = scalar },
            new Dictionary<string, string> { ["format"] = "pt" });

        using var file = SafetensorsFile.Open(path);
        using var back = file.Read("a.weight");
        Assert.Equal(dtype, back.dtype);
        Assert.True(back.eq(original).all().item<bool>());
        using var s = file.Read("s");
        Assert.Empty(s.shape);
        Assert.Equal(3.5f, s.item<float>());
        // Data must start 8-byte aligned, as the Python reader expects.
        var headerLength = BitConverter.ToInt64(File.ReadAllBytes(path), 0);
        Assert.Equal(0, headerLength % 8);
    }

    [Fact]
    public void ReadsBf16AsFloat32WhenAsked()
    {
        using var dir = new TempDir();
        var path = dir.File("bf16.safetensors");
        using var values = tensor(new float[] { 1.5f, -2.25f, 1024f }).to_type(ScalarType.BFloat16);
        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["w"] = values });
        using var file = SafetensorsFile.Open(path);
        using var back = file.Read("w", ScalarType.Float32);
        Assert.Equal(new[] { 1.5f, -2.25f, 1024f }, back.data<float>().ToArray());
    }

    [Fact]
    public void TruncatedFileIsAClearError()
    {
        using var dir = new TempDir();
        var path = dir.File("t.safetensors");
        using var w = ones(64, 64);
        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["w"] = w });
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^100]);
        var error = Assert.Throws<DataFormatException>(() => SafetensorsFile.Open(path));
        Assert.Contains("t.safetensors", error.Message);
        Assert.Contains("'w'", error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void ShardedCheckpointResolvesEveryTensorThroughTheIndex()
    {
        using var dir = new TempDir();
        using var a = ones(2, 2);
        using var b = zeros(3);
        SafetensorsWriter.Write(dir.File("model-00001-of-00002.safetensors"), new Dictionary<string, Tensor> { ["x.weight"] = a });
        SafetensorsWriter.Write(dir.File("model-00002-of-00002.safetensors"), new Dictionary<string, Tensor> { ["y.bias"] = b });
        File.WriteAllText(dir.File(Checkpoint.IndexFile),
            """{"metadata":{"total_size":28},"weight_map":{"x.weight":"model-00001-of-00002.safetensors","y.bias":"model-00002-of-00002.safetensors"}}""");

        using var checkpoint = Checkpoint.Open(dir.Path);
        Assert.Equal(["x.weight", "y.bias"], checkpoint.Keys.Order().ToArray());
        using var y = checkpoint.Read("y.bias");
        Assert.Equal(new long[] { 3 }, y.shape);
    }
}
