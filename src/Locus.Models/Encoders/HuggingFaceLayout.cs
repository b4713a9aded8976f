using System.Text.Json;
using System.Text.Json.Nodes;
using Locus.Models.Checkpoints;
using Locus.Models.Configuration;
using Locus.Models.Safetensors;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace Locus.Models.Encoders;

/// <summary>
/// Loads and saves models in Hugging Face's folder layout: <c>config.json</c> plus <c>model.safetensors</c>
/// (or sharded safetensors when loading), with HF's state-dict key names, so folders move both ways between
/// Locus and Python transformers.
/// </summary>
public static class HuggingFaceLayout
{
    /// <summary>
    /// Builds a model from <paramref name="folder"/>: reads config.json with <paramref name="readConfig"/>,
    /// constructs (randomly initialised, seeded by <see cref="EncoderLoadOptions.Seed"/>), loads the weights,
    /// converts to <see cref="EncoderLoadOptions.Dtype"/> and switches to eval mode, as from_pretrained does.
    /// </summary>
    public static T Load<TConfig, T>(string folder, Func<ConfigJson, TConfig> readConfig, Func<TConfig, long?, T> create, EncoderLoadOptions? options = null)
        where TConfig : EncoderConfig
        where T : nn.Module, IHuggingFaceModel
    {
        options ??= new EncoderLoadOptions();
        var config = readConfig(ConfigJson.Load(folder));
        if (options.Labels is not null) config.Labels = options.Labels;
        if (options.SequencePooling is { } pooling) SequencePoolings.Set(config, pooling);
        var model = create(config, options.Seed);
        try
        {
            LoadWeights(model, folder, options.Logger);
            if (options.Dtype is { } dtype) model.to(dtype);
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Copies the checkpoint in <paramref name="folder"/> into <paramref name="model"/>. The base encoder may be
    /// stored with or without its prefix ("bert."); weights the model may initialise (a new head) are reported
    /// to <paramref name="logger"/> and in the result; any other missing weight is an error naming it.
    /// </summary>
    public static StateDictLoadReport LoadWeights<T>(T model, string folder, ILogger? logger = null)
        where T : nn.Module, IHuggingFaceModel
    {
        using var checkpoint = Checkpoint.Open(folder);
        var options = new StateDictLoadOptions
        {
            BasePrefixes = [model.BasePrefix],
            MayBeMissing = model.MayInitialiseMissing,
            Logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
        };
        var report = StateDictLoader.Load(model, checkpoint, options);
        if (report.Missing.Count > 0)
            options.Logger.LogWarning("{Count} weight(s) of {Architecture} are not in the checkpoint at {Folder} and are newly initialised: {Keys}. Train the model before using its predictions.",
                report.Missing.Count, model.Architecture, folder, string.Join(", ", report.Missing));
        return report;
    }

    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="folder"/>: config.json (the model's configuration with
    /// <c>architectures</c> set and id2label/label2id for heads) and model.safetensors (every parameter and
    /// persistent buffer as contiguous float32, metadata {"format":"pt"}), each written atomically.
    /// </summary>
    public static void Save<T>(T model, string folder)
        where T : nn.Module, IHuggingFaceModel
    {
        Directory.CreateDirectory(folder);
        using (var scope = NewDisposeScope())
        {
            var tensors = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().to_type(ScalarType.Float32).contiguous());
            SafetensorsWriter.Write(Path.Combine(folder, Checkpoint.WeightsFile), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        }

        var json = model.Config.ToJson();
        json["architectures"] = new JsonArray(model.Architecture);
        json["torch_dtype"] = "float32";
        var text = json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        AtomicFile.Write(Path.Combine(folder, "config.json"), stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(text + "\n")));
    }
}
