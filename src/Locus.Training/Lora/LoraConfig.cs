using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Locus.Models.Configuration;

namespace Locus.Training.Lora;

/// <summary>
/// LoRA settings, stored as PEFT's <c>adapter_config.json</c> so adapters move between Locus and Python PEFT.
/// The update of a target linear layer is W x + scaling · B (A x), with A random, B zero at the start.
/// </summary>
public sealed class LoraConfig
{
    /// <summary>Rank r of the update (<c>r</c>).</summary>
    public int Rank { get; init; } = 8;

    /// <summary><c>lora_alpha</c>: with rank, sets the scaling of the update.</summary>
    public double Alpha { get; init; } = 16;

    /// <summary><c>lora_dropout</c>: dropout on the input of A, active in training only.</summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary>
    /// <c>target_modules</c> as a list: a module is targeted when its path equals an entry or ends with "." + entry
    /// (PEFT's rule), e.g. "query" or "attention.output.dense". Ignored when <see cref="TargetModulesRegex"/> is set.
    /// </summary>
    public IReadOnlyList<string> TargetModules { get; init; } = [];

    /// <summary>
    /// <c>target_modules</c> as a single string: a regular expression that must match a module's whole path (PEFT's
    /// <c>re.fullmatch</c>), e.g. <c>.*\.layer\.\d+\.output\.dense</c> for the feed-forward output alone, which the
    /// suffix rule cannot single out (<c>output.dense</c> also ends <c>attention.output.dense</c>). Takes precedence over
    /// <see cref="TargetModules"/>; written back to <c>adapter_config.json</c> as a string, as PEFT does.
    /// </summary>
    public string? TargetModulesRegex
    {
        get => targetModulesRegex;
        init
        {
            targetModulesRegex = value;
            try
            {
                // Python's re.fullmatch as a .NET match: anchored at both ends, in a group so that alternations stay inside.
                targetRegex = value is null ? null : new Regex($@"^(?:{value})\z", RegexOptions.CultureInvariant);
            }
            catch (ArgumentException e)
            {
                throw new LocusException($"LoRA target_modules regex '{value}' is not a valid regular expression: {e.Message}");
            }
        }
    }

    readonly string? targetModulesRegex;
    readonly Regex? targetRegex;

    /// <summary>The targets as people write them, for messages: the regular expression, or the list.</summary>
    internal string TargetsDescription => TargetModulesRegex is { } regex ? $"regex {regex}" : $"[{string.Join(", ", TargetModules)}]";

    /// <summary><c>modules_to_save</c>: modules trained in full and stored with the adapter (the task head).</summary>
    public IReadOnlyList<string> ModulesToSave { get; init; } = [];

    /// <summary><c>use_rslora</c>: scale by alpha/√r instead of alpha/r, which keeps high ranks stable.</summary>
    public bool UseRsLora { get; init; }

    /// <summary><c>task_type</c>: "TOKEN_CLS", "SEQ_CLS" or "FEATURE_EXTRACTION".</summary>
    public string TaskType { get; init; } = "TOKEN_CLS";

    /// <summary><c>base_model_name_or_path</c>: the base the adapter was trained on.</summary>
    public string? BaseModelNameOrPath { get; init; }

    /// <summary>The factor applied to B A x.</summary>
    public double Scaling => UseRsLora ? Alpha / Math.Sqrt(Rank) : Alpha / Rank;

    /// <summary>Whether <paramref name="modulePath"/> is a target, by PEFT's rules (see <see cref="TargetModulesRegex"/>).</summary>
    public bool Targets(string modulePath) => targetRegex?.IsMatch(modulePath) ?? Matches(TargetModules, modulePath);

    /// <summary>Whether <paramref name="modulePath"/> is one of <see cref="ModulesToSave"/>.</summary>
    public bool Saves(string modulePath) => Matches(ModulesToSave, modulePath);

    static bool Matches(IReadOnlyList<string> names, string path) =>
        names.Any(n => path == n || path.EndsWith("." + n, StringComparison.Ordinal));

    /// <summary>The JSON PEFT writes for a LoRA adapter.</summary>
    public JsonObject ToPeftJson() => new()
    {
        ["peft_type"] = "LORA",
        ["task_type"] = TaskType,
        ["r"] = Rank,
        ["lora_alpha"] = Alpha,
        ["lora_dropout"] = Dropout,
        ["target_modules"] = TargetModulesRegex is { } regex ? JsonValue.Create(regex) : new JsonArray(TargetModules.Select(t => (JsonNode)t).ToArray()),
        ["modules_to_save"] = ModulesToSave.Count == 0 ? null : new JsonArray(ModulesToSave.Select(t => (JsonNode)t).ToArray()),
        ["use_rslora"] = UseRsLora,
        ["use_dora"] = false,
        ["bias"] = "none",
        ["fan_in_fan_out"] = false,
        ["init_lora_weights"] = true,
        ["inference_mode"] = true,
        ["base_model_name_or_path"] = BaseModelNameOrPath,
        ["rank_pattern"] = new JsonObject(),
        ["alpha_pattern"] = new JsonObject(),
        ["layers_to_transform"] = null,
        ["layers_pattern"] = null,
        ["revision"] = null,
    };

    /// <summary>Reads a PEFT <c>adapter_config.json</c>; settings Locus cannot honour are errors naming the key.</summary>
    public static LoraConfig FromPeftJson(ConfigJson json)
    {
        json.Choice("peft_type", "LORA", "LORA");
        if (json.Bool("use_dora", false)) throw json.Error("use_dora", "DoRA adapters are not supported");
        if (json.Bool("fan_in_fan_out", false)) throw json.Error("fan_in_fan_out", "only nn.Linear targets (fan_in_fan_out false) are supported");
        json.Choice("bias", "none", "none");
        foreach (var key in new[] { "rank_pattern", "alpha_pattern" })
            if (json.Root[key] is JsonObject { Count: > 0 }) throw json.Error(key, "per-module ranks or alphas are not supported");
        if (json.Root["layers_to_transform"] is not null) throw json.Error("layers_to_transform", "layer selection is not supported; list target modules instead");
        var regex = json.Root["target_modules"] is JsonValue ? json.String("target_modules") : null;

        return new LoraConfig
        {
            Rank = json.Int("r"),
            Alpha = json.Double("lora_alpha", 8),
            Dropout = json.Double("lora_dropout", 0),
            TargetModules = regex is null ? json.StringList("target_modules", []) : [],
            TargetModulesRegex = regex,
            ModulesToSave = json.StringList("modules_to_save", []),
            UseRsLora = json.Bool("use_rslora", false),
            TaskType = json.String("task_type") ?? "TOKEN_CLS",
            BaseModelNameOrPath = json.String("base_model_name_or_path"),
        };
    }
}
