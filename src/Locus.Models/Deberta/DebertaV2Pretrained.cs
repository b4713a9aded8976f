using System.Text.Json;
using System.Text.Json.Nodes;
using Locus.Models.Checkpoints;
using Locus.Models.Safetensors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Locus.Models.Deberta;

/// <summary>How a DeBERTa-v2/v3 model folder is loaded.</summary>
public sealed class DebertaV2LoadOptions
{
    /// <summary>The parameter dtype after loading (Float32 or BFloat16); checkpoint tensors are converted.</summary>
    public ScalarType Dtype { get; init; } = ScalarType.Float32;

    /// <summary>Seed for weights the checkpoint lacks (a new task head); null draws from the global generator.</summary>
    public int? Seed { get; init; }

    /// <summary>Labels for a task head, replacing config.json's id2label (e.g. a new task on a base checkpoint).</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>Receives the unused-weights warning and the list of freshly initialised weights.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;
}

/// <summary>Initialisation, loading and saving shared by the DeBERTa-v2 model and its task heads (HF's DebertaV2PreTrainedModel).</summary>
static class DebertaV2Pretrained
{
    /// <summary>The prefix of the encoder's weights in HF task checkpoints.</summary>
    public const string BasePrefix = "deberta.";

    /// <summary>
    /// HF's _init_weights over every submodule: Linear and Embedding weights ~ normal(0, initializer_range), biases 0,
    /// the padding row of word_embeddings 0, LayerNorm 1/0. Conv1d (no HF rule) gets PyTorch's default
    /// uniform(±1/sqrt(fan_in)). With a seed every draw comes from one seeded generator, in module order.
    /// </summary>
    public static void InitWeights(nn.Module model, DebertaV2Config config, int? seed)
    {
        using var generator = seed is { } s ? new Generator((ulong)s) : null;
        using var noGrad = no_grad();
        var std = config.InitializerRange;
        foreach (var (name, module) in model.named_modules())
        {
            switch (module)
            {
                case Linear linear:
                    linear.weight!.normal_(0, std, generator);
                    linear.bias?.zero_();
                    break;
                case Embedding embedding:
                    embedding.weight!.normal_(0, std, generator);
                    // TorchSharp's Embedding does not expose padding_idx; word_embeddings is the one built with it.
                    if (name.EndsWith("word_embeddings", StringComparison.Ordinal)) embedding.weight![config.PadTokenId].zero_();
                    break;
                case LayerNorm norm:
                    norm.weight!.fill_(1);
                    norm.bias!.zero_();
                    break;
                case Conv1d conv:
                    var bound = 1.0 / Math.Sqrt(conv.weight!.size(1) * conv.weight.size(2));
                    conv.weight.uniform_(-bound, bound, generator);
                    conv.bias?.uniform_(-bound, bound, generator);
                    break;
            }
        }
    }

    /// <summary>
    /// Reads config.json, builds the model, loads every weight (a missing one is an error unless
    /// <paramref name="mayBeMissing"/> allows it: a new head keeps its initialisation), converts to the dtype and
    /// switches to eval mode, as HF's from_pretrained does.
    /// </summary>
    public static T Load<T>(string folder, DebertaV2LoadOptions? options, Func<DebertaV2Config, T> build, Func<string, bool> mayBeMissing)
        where T : nn.Module
    {
        options ??= new DebertaV2LoadOptions();
        if (options.Dtype is not (ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16))
            throw new LocusException($"dtype {options.Dtype} is not supported for DeBERTa weights (use Float32, BFloat16 or Float16)");
        var config = DebertaV2Config.Load(folder);
        if (options.Labels is not null) config.Labels = options.Labels;

        var model = build(config);
        try
        {
            model.to(options.Dtype);
            using var checkpoint = Checkpoint.Open(folder);
            var report = StateDictLoader.Load(model, checkpoint, new StateDictLoadOptions
            {
                BasePrefixes = [BasePrefix],
                MayBeMissing = mayBeMissing,
                Logger = options.Logger,
            });
            if (report.Missing.Count > 0)
                options.Logger.LogInformation("{Folder}: newly initialised (not in the checkpoint): {Keys}", folder, string.Join(", ", report.Missing));
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
    /// Writes <paramref name="folder"/>/model.safetensors (HF key names, metadata {"format":"pt"}) and config.json
    /// (with architectures and torch_dtype), each atomically.
    /// </summary>
    public static void Save(nn.Module model, DebertaV2Config config, string architecture, string folder)
    {
        Directory.CreateDirectory(folder);
        var stateDict = model.state_dict();
        var dtype = stateDict.Values.First().dtype;
        SafetensorsWriter.Write(Path.Combine(folder, Checkpoint.WeightsFile), stateDict, new Dictionary<string, string> { ["format"] = "pt" });

        var json = config.ToJson();
        json["architectures"] = new JsonArray(architecture);
        json["torch_dtype"] = dtype switch
        {
            ScalarType.BFloat16 => "bfloat16",
            ScalarType.Float16 => "float16",
            _ => "float32",
        };
        var text = json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        AtomicFile.Write(Path.Combine(folder, "config.json"), stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(text + "\n")));
    }
}
