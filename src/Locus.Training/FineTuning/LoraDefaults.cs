namespace Locus.Training.FineTuning;

/// <summary>Default LoRA targets per architecture: every attention projection and both feed-forward layers.</summary>
public static class LoraDefaults
{
    /// <summary>The target module names (suffixes of module paths) for a <c>model_type</c>.</summary>
    public static IReadOnlyList<string> TargetModules(string modelType) => modelType switch
    {
        "bert" => ["query", "key", "value", "attention.output.dense", "intermediate.dense", "output.dense"],
        "deberta-v2" => ["query_proj", "key_proj", "value_proj", "attention.output.dense", "intermediate.dense", "output.dense"],
        _ => throw new LocusException($"no default LoRA targets for model_type '{modelType}': pass --lora-targets"),
    };

    /// <summary>
    /// Modules trained in full and saved with the adapter: the classifier and, for sequence classification, the
    /// pooler (PEFT's known pitfall: a pooler left frozen at random initialisation, or not saved, ruins the head).
    /// </summary>
    public static IReadOnlyList<string> ModulesToSave(bool sequenceClassification) =>
        sequenceClassification ? ["classifier", "pooler"] : ["classifier"];
}
