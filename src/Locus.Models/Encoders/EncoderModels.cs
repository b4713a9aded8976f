using Locus.Models.Bert;
using Locus.Models.Builtin;
using Locus.Models.Configuration;
using Locus.Models.Deberta;

namespace Locus.Models.Encoders;

/// <summary>
/// How to read the configuration of one <c>model_type</c> and build its base encoder and classification heads.
/// Use <see cref="Of{TConfig}"/> so that each factory receives its own configuration type.
/// </summary>
/// <param name="ReadConfig">Reads config.json into the architecture's configuration.</param>
/// <param name="CreateModel">Builds the base encoder, randomly initialised (optional seed).</param>
/// <param name="CreateClassifier">Builds a classification head model, randomly initialised (optional seed).</param>
public sealed record EncoderArchitecture(
    Func<ConfigJson, EncoderConfig> ReadConfig,
    Func<EncoderConfig, long?, EncoderModel> CreateModel,
    Func<EncoderConfig, ClassificationTask, long?, EncoderClassifier> CreateClassifier)
{
    /// <summary>An architecture whose factories take <typeparamref name="TConfig"/>.</summary>
    public static EncoderArchitecture Of<TConfig>(
        Func<ConfigJson, TConfig> readConfig,
        Func<TConfig, long?, EncoderModel> createModel,
        Func<TConfig, ClassificationTask, long?, EncoderClassifier> createClassifier)
        where TConfig : EncoderConfig =>
        new(readConfig, (c, seed) => createModel(Cast<TConfig>(c), seed), (c, task, seed) => createClassifier(Cast<TConfig>(c), task, seed));

    static TConfig Cast<TConfig>(EncoderConfig config) where TConfig : EncoderConfig =>
        config as TConfig ?? throw new ArgumentException($"expected a {typeof(TConfig).Name}, got a {config.GetType().Name} (model_type '{config.ModelType}')", nameof(config));
}

/// <summary>
/// The encoder architectures Locus implements, keyed by config.json's <c>model_type</c>: builds or loads the right
/// one for a Hugging Face folder.
/// </summary>
public static class EncoderModels
{
    static readonly Dictionary<string, EncoderArchitecture> architectures = new(StringComparer.Ordinal)
    {
        ["bert"] = BertArchitecture.Instance,
        ["deberta-v2"] = DebertaV2Architecture.Instance,
    };

    /// <summary>The supported <c>model_type</c> values.</summary>
    public static IReadOnlyCollection<string> SupportedModelTypes => architectures.Keys;

    /// <summary>The architecture for <paramref name="modelType"/>; an error listing the supported types otherwise.</summary>
    public static EncoderArchitecture Architecture(string modelType) =>
        architectures.TryGetValue(modelType, out var architecture)
            ? architecture
            : throw new LocusException($"model_type '{modelType}' is not supported (supported: {string.Join(", ", architectures.Keys.Order(StringComparer.Ordinal))})");

    /// <summary>Reads config.json (a folder, the file, or a <c>builtin:</c> model) into the configuration class of its <c>model_type</c>.</summary>
    public static EncoderConfig ReadConfig(string folderOrFile) => ReadConfig(ConfigJson.Load(BuiltinModels.ResolveFolder(folderOrFile)));

    /// <summary>Reads a parsed config.json into the configuration class of its <c>model_type</c>.</summary>
    public static EncoderConfig ReadConfig(ConfigJson json) => ArchitectureOf(json).ReadConfig(json);

    /// <summary>A randomly initialised base encoder for <paramref name="config"/> (pre-training from scratch).</summary>
    public static EncoderModel Create(EncoderConfig config, long? seed = null) => Architecture(config.ModelType).CreateModel(config, seed);

    /// <summary>A randomly initialised classification model for <paramref name="config"/>.</summary>
    public static EncoderClassifier CreateClassifier(EncoderConfig config, ClassificationTask task, long? seed = null) =>
        Architecture(config.ModelType).CreateClassifier(config, task, seed);

    /// <summary>Loads the base encoder from a Hugging Face folder (a base or a task checkpoint) or a <c>builtin:</c> model.</summary>
    public static EncoderModel Load(string folder, EncoderLoadOptions? options = null)
    {
        folder = BuiltinModels.ResolveFolder(folder, options?.Logger);
        var architecture = ArchitectureOf(ConfigJson.Load(folder));
        return HuggingFaceLayout.Load(folder, architecture.ReadConfig, architecture.CreateModel, options);
    }

    /// <summary>
    /// Loads a classification model from a Hugging Face folder; from a base checkpoint the head is freshly
    /// initialised (with <see cref="EncoderLoadOptions.Labels"/>) and reported as a warning.
    /// </summary>
    public static EncoderClassifier LoadClassifier(string folder, ClassificationTask task, EncoderLoadOptions? options = null)
    {
        folder = BuiltinModels.ResolveFolder(folder, options?.Logger);
        var architecture = ArchitectureOf(ConfigJson.Load(folder));
        return HuggingFaceLayout.Load(folder, architecture.ReadConfig, (config, seed) => architecture.CreateClassifier(config, task, seed), options);
    }

    static EncoderArchitecture ArchitectureOf(ConfigJson json)
    {
        var modelType = json.String("model_type")
            ?? throw json.Error("model_type", $"required but missing (supported: {string.Join(", ", architectures.Keys.Order(StringComparer.Ordinal))})");
        try { return Architecture(modelType); }
        catch (LocusException e) { throw json.Error("model_type", e.Message); }
    }
}
