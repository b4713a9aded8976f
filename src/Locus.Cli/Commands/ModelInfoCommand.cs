using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Locus.Models.Checkpoints;
using Locus.Models.Configuration;
using Locus.Models.Encoders;
using Locus.Models.Hub;
using Locus.Models.Safetensors;
using Locus.Models.Tokenization;

namespace Locus.Cli.Commands;

/// <summary>
/// <c>locus model info</c>: what a model folder (or hub model) holds: its architecture from config.json, the
/// parameter count and dtypes from the safetensors headers (no weights are read), its tokenizer, and how that
/// tokenizer splits a sample text.
/// </summary>
public static class ModelInfoCommand
{
    /// <summary>The text tokenised when --text is not given.</summary>
    public const string DefaultSample = "Locus turns ten labelled examples into a specialised model.";

    /// <summary>Creates the <c>info</c> subcommand of <c>locus model</c>.</summary>
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A model folder (config.json, model.safetensors, tokenizer files) or a Hugging Face id org/name[@revision]." };
        var text = new Option<string>("--text") { Description = "Sample text to tokenise, shown with token ids and character offsets.", DefaultValueFactory = _ => DefaultSample };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of the readable summary." };
        var cacheDir = new Option<string?>("--cache-dir") { Description = "Hugging Face cache folder for hub ids (default: HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub)." };
        var endpoint = new Option<string?>("--endpoint") { Description = "Hub address for hub ids (default: HF_ENDPOINT, else https://huggingface.co)." };
        var info = new Command("info", "Show a model's architecture, parameter count (total and per top-level module), weight dtypes, tokenizer and a sample tokenisation. "
            + "A hub id is resolved through the Hugging Face cache (HF_HUB_OFFLINE=1 reads the cache only).")
        {
            model, text, json, cacheDir, endpoint,
        };
        info.SetAction(async (parse, cancellationToken) =>
        {
            var options = HubOptions.FromEnvironment();
            if (parse.GetValue(cacheDir) is { } folder) options.CacheDirectory = folder;
            if (parse.GetValue(endpoint) is { } address) options.Endpoint = address.TrimEnd('/');
            using var http = HubModelResolver.CreateHttpClient();
            var resolved = await new HubModelResolver(http, options, CliLogging.LoggerFor<HubModelResolver>())
                .ResolveAsync(parse.GetValue(model)!, new ModelCommand.LineProgress(parse.InvocationConfiguration.Error), cancellationToken);

            var report = Inspect(resolved, parse.GetValue(text)!);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json)) output.WriteLine(report.ToJsonString(LocusJson.Options));
            else WriteText(report, output);
            return LocusCli.Ok;
        });
        return info;
    }

    /// <summary>Everything the command reports, as the JSON object that --json prints.</summary>
    static JsonObject Inspect(ResolvedModel resolved, string sample)
    {
        var config = ConfigJson.Load(resolved.Folder);
        var report = new JsonObject
        {
            ["folder"] = resolved.Folder,
            ["source"] = ModelCommand.SourceName(resolved.Source),
            ["repo"] = resolved.Id?.RepoId,
            ["commit"] = resolved.Commit,
        };
        AddArchitecture(report, config);
        AddWeights(report, resolved.Folder);
        var tokenizer = LoadTokenizer(resolved.Folder);
        report["tokenizer"] = tokenizer is null ? null : new JsonObject
        {
            ["kind"] = tokenizer.Kind,
            ["vocab_size"] = tokenizer.VocabSize,
            ["model_max_length"] = tokenizer.ModelMaxLength,
        };
        report["sample"] = tokenizer is null ? null : Tokenise(tokenizer, sample);
        report["warnings"] = new JsonArray(Warnings(report).Select(w => (JsonNode?)w).ToArray());
        return report;
    }

    static void AddArchitecture(JsonObject report, ConfigJson config)
    {
        int? Int(string key) => config.Has(key) ? config.Int(key, 0) : null;
        string? loadable = null;
        try { EncoderModels.ReadConfig(config); }
        catch (LocusException e) { loadable = e.Message; }
        report["model_type"] = config.String("model_type");
        report["architectures"] = config.Root["architectures"]?.DeepClone();
        report["supported"] = loadable is null;
        report["unsupported_reason"] = loadable;
        foreach (var key in new[] { "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "vocab_size", "max_position_embeddings" })
            report[key] = Int(key);
        report["labels"] = config.Labels() is { } labels ? new JsonArray(labels.Select(l => (JsonNode?)l).ToArray()) : null;
    }

    /// <summary>
    /// Parameter counts and dtypes from the safetensors headers. Floating-point tensors are the parameters;
    /// integer tensors are buffers that some checkpoints persist (position_ids) and are counted apart.
    /// </summary>
    static void AddWeights(JsonObject report, string folder)
    {
        using var checkpoint = Checkpoint.Open(folder);
        var byModule = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var dtypes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        long total = 0, buffers = 0;
        foreach (var key in checkpoint.Keys)
        {
            var entry = checkpoint.Entry(key);
            dtypes[entry.Dtype.ToString()] = dtypes.GetValueOrDefault(entry.Dtype.ToString()) + 1;
            if (!IsFloatingPoint(entry.Dtype))
            {
                buffers += entry.ElementCount;
                continue;
            }
            total += entry.ElementCount;
            var module = key.Split('.')[0];
            byModule[module] = byModule.GetValueOrDefault(module) + entry.ElementCount;
        }
        report["parameters"] = total;
        report["parameters_by_module"] = new JsonObject(byModule.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        report["buffer_elements"] = buffers;
        report["tensors"] = checkpoint.Keys.Count;
        report["weight_dtypes"] = new JsonObject(dtypes.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
    }

    static bool IsFloatingPoint(SafetensorsDtype dtype) =>
        dtype is SafetensorsDtype.F64 or SafetensorsDtype.F32 or SafetensorsDtype.F16 or SafetensorsDtype.BF16;

    /// <summary>The folder's tokenizer, or null when it has no tokenizer file (a malformed one is an error).</summary>
    static HuggingFaceTokenizer? LoadTokenizer(string folder) =>
        new[] { "tokenizer.json", "vocab.txt", "spm.model" }.Any(name => File.Exists(Path.Combine(folder, name)))
            ? TokenizerFactory.FromFolder(folder)
            : null;

    /// <summary>Mismatches between the model and its tokenizer that would fail at training or inference time.</summary>
    static IEnumerable<string> Warnings(JsonObject report)
    {
        if (report["tokenizer"] is JsonObject tokenizer && report["vocab_size"] is { } vocab
            && tokenizer["vocab_size"]!.GetValue<int>() > vocab.GetValue<int>())
            yield return $"the tokenizer has {tokenizer["vocab_size"]} ids but the model's vocab_size is {vocab}: ids from {vocab} on have no embedding";
    }

    static JsonObject Tokenise(HuggingFaceTokenizer tokenizer, string text)
    {
        var encoding = tokenizer.Encode(text);
        var tokens = new JsonArray();
        for (var i = 0; i < encoding.Length; i++)
        {
            var offset = encoding.Offsets[i];
            tokens.Add(new JsonObject
            {
                ["token"] = encoding.Tokens[i],
                ["id"] = encoding.Ids[i],
                ["start"] = offset.Start,
                ["end"] = offset.End,
                ["special"] = encoding.SpecialTokensMask[i] == 1,
            });
        }
        return new JsonObject { ["text"] = text, ["tokens"] = tokens };
    }

    static void WriteText(JsonObject report, TextWriter output)
    {
        string? S(string key) => report[key]?.ToString();
        var where = S("source") switch { "local" => "local folder", "builtin" => "built-in model, materialised from its NuGet package", _ => $"{S("repo")} at commit {S("commit")} ({S("source")})" };
        output.WriteLine($"model:        {S("folder")} ({where})");
        var architectures = report["architectures"] is JsonArray a ? string.Join(", ", a.Select(n => n?.ToString())) : "(none)";
        output.WriteLine($"architecture: {architectures}, model_type {S("model_type") ?? "(none)"}"
            + (report["supported"]!.GetValue<bool>() ? "" : $" (Locus cannot load it: {S("unsupported_reason")})"));
        output.WriteLine($"shape:        hidden_size {S("hidden_size")}, num_hidden_layers {S("num_hidden_layers")}, num_attention_heads {S("num_attention_heads")}, "
            + $"intermediate_size {S("intermediate_size")}, vocab_size {S("vocab_size")}, max_position_embeddings {S("max_position_embeddings")}");
        if (report["labels"] is JsonArray labels) output.WriteLine($"labels:       {labels.Count}: {string.Join(", ", labels.Select(l => l?.ToString()))}");
        var dtypes = report["weight_dtypes"]!.AsObject().Select(kv => $"{kv.Key} ({kv.Value} tensors)");
        output.WriteLine($"weights:      {report["tensors"]} tensors, dtype {string.Join(", ", dtypes)}");
        output.WriteLine($"parameters:   {Count(report["parameters"])}");
        foreach (var (module, count) in report["parameters_by_module"]!.AsObject()) output.WriteLine($"  {module,-12}{Count(count),16}");
        if (report["buffer_elements"]!.GetValue<long>() > 0) output.WriteLine($"  (plus {Count(report["buffer_elements"])} elements of integer buffers)");

        if (report["tokenizer"] is not JsonObject tokenizer)
        {
            output.WriteLine("tokenizer:    none (no tokenizer.json, vocab.txt or spm.model in the folder)");
            return;
        }
        output.WriteLine($"tokenizer:    {tokenizer["kind"]}, vocabulary {tokenizer["vocab_size"]}"
            + (tokenizer["model_max_length"] is { } max ? $", model_max_length {max}" : ""));
        var sample = report["sample"]!.AsObject();
        var text = sample["text"]!.GetValue<string>();
        foreach (var warning in report["warnings"]!.AsArray()) output.WriteLine($"warning:      {warning}");
        output.WriteLine($"sample:       {LocusJson.Serialize(text)}");
        output.WriteLine($"  {"#",3}  {"token",-20} {"id",8}  {"offsets",-10} text");
        var index = 0;
        foreach (var token in sample["tokens"]!.AsArray())
        {
            int start = token!["start"]!.GetValue<int>(), end = token["end"]!.GetValue<int>();
            output.WriteLine($"  {index++,3}  {token["token"],-20} {token["id"],8}  {$"{start}..{end}",-10} {(end > start ? LocusJson.Serialize(text[start..end]) : "")}");
        }
    }

    static string Count(JsonNode? value) => value!.GetValue<long>().ToString("N0", CultureInfo.InvariantCulture);
}
