using System.Text.Json.Serialization;
using Locus.Models.Builtin;
using Microsoft.Extensions.Logging;

namespace Locus.Retrieval.Embeddings;

/// <summary>
/// Which encoder an index directory was built with, saved as encoder.json beside the index so searches
/// rebuild the same encoder. <see cref="Create"/> is the one place that maps names to implementations.
/// </summary>
public sealed class EncoderSpec : IVersionedJson
{
    /// <summary>File name inside the index directory.</summary>
    public const string FileName = "encoder.json";

    /// <summary>The layout; files from before it (PascalCase members) are read.</summary>
    public static LocusFileFormat FileFormat { get; } = new("encoder", 1) { Legacy = LegacyLayout.DotNetNames };

    /// <inheritdoc/>
    [JsonPropertyOrder(-1)]
    public string? Format { get; set; }

    /// <summary>Name of the model-free encoder.</summary>
    public const string Lexical = "lexical";

    /// <summary>Name of the neural encoder (<see cref="TransformerSentenceEncoder"/>) over the model in <see cref="ModelPath"/>.</summary>
    public const string Transformer = "transformer";

    /// <summary>File of the fitted lexical statistics inside the index directory.</summary>
    public const string LexicalStatisticsFileName = "lexical.idf";

    /// <summary>Encoder kind: <see cref="Lexical"/> or <see cref="Transformer"/>.</summary>
    public string Name { get; set; } = Lexical;

    /// <summary>Vector length (lexical: the hashing dimension; transformer: the model's hidden size, filled in by <see cref="Create"/>).</summary>
    public int Dimension { get; set; } = new LexicalEncoderOptions().Dimension;

    /// <summary>Model directory or <c>builtin:</c> reference, for encoders that load weights; null for the lexical encoder.</summary>
    public string? ModelPath { get; set; }

    /// <summary>Transformer pooling.</summary>
    public SentencePooling Pooling { get; set; } = SentencePooling.Mean;

    /// <summary>Transformer query prefix (e.g. "query: ").</summary>
    public string QueryPrefix { get; set; } = "";

    /// <summary>Transformer passage prefix (e.g. "passage: ").</summary>
    public string PassagePrefix { get; set; } = "";

    /// <summary>Run the transformer in bfloat16.</summary>
    // The policy's name would be "b_float16"; this one also matches the PascalCase member of older files.
    [JsonPropertyName("bfloat16")]
    public bool BFloat16 { get; set; }

    /// <summary>Transformer window length in tokens; null takes the model's.</summary>
    public int? MaxLength { get; set; }

    /// <summary>
    /// The default neural encoder: the built-in all-MiniLM-L6-v2 (<c>builtin:all-MiniLM-L6-v2</c>), mean-pooled as its
    /// authors trained it.
    /// </summary>
    public static EncoderSpec BuiltinDefault() => ForModel(BuiltinModels.DefaultReference);

    /// <summary>
    /// The transformer encoder over <paramref name="model"/>: a <c>builtin:</c> reference, kept as such (portable; it
    /// brings the pooling and query prefix its authors use), or a folder, kept as its full path.
    /// </summary>
    /// <param name="model">The model reference.</param>
    /// <param name="source">Where the reference came from (an option name), for the error message.</param>
    /// <exception cref="LocusException">The reference is neither a built-in model nor an existing folder.</exception>
    public static EncoderSpec ForModel(string model, string source = "model")
    {
        if (!BuiltinModels.IsBuiltinReference(model) && !Directory.Exists(model))
            throw new LocusException($"{source}: '{model}' is neither a model folder nor a built-in model ({string.Join(", ", BuiltinModels.All.Select(m => m.Reference))})");
        var spec = new EncoderSpec { Name = Transformer, ModelPath = BuiltinModels.IsBuiltinReference(model) ? model : Path.GetFullPath(model), Dimension = 0 };
        if (BuiltinModels.IsBuiltinReference(model))
        {
            var builtin = BuiltinModels.Find(model);
            spec.ModelPath = builtin.Reference;
            spec.Pooling = builtin.Pooling == "cls" ? SentencePooling.Cls : SentencePooling.Mean;
            spec.QueryPrefix = builtin.QueryPrefix;
        }
        return spec;
    }

    /// <summary>Names accepted by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> KnownNames { get; } = [Lexical, Transformer];

    /// <summary>The settings that decide the vectors, in words; two specs describing the same encode alike.</summary>
    public string Describe() => Name switch
    {
        Transformer => $"transformer over '{ModelPath}' (pooling {Pooling.ToString().ToLowerInvariant()}, query prefix '{QueryPrefix}', passage prefix '{PassagePrefix}', {(BFloat16 ? "bf16" : "fp32")}, window {MaxLength?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "model default"})",
        _ => $"{Name} ({Dimension}-d)",
    };

    /// <summary>
    /// Builds the encoder for <paramref name="indexDirectory"/>. The lexical encoder loads its statistics from
    /// the directory, fitting them on <paramref name="fitSample"/> first when the file does not exist yet
    /// (null: fail instead, as a search must use the statistics the corpus was encoded with). The transformer
    /// encoder is loaded once per process (<see cref="SharedTransformerEncoders"/>) and sets <see cref="Dimension"/> to its hidden size; dispose what this returns when done (a shared model stays loaded).
    /// </summary>
    public ISentenceEncoder Create(string indexDirectory, Func<IEnumerable<string>>? fitSample, ILogger? logger = null)
    {
        switch (Name)
        {
            case Lexical:
                var statisticsPath = Path.Combine(indexDirectory, LexicalStatisticsFileName);
                LexicalStatistics statistics;
                if (File.Exists(statisticsPath)) statistics = LexicalStatistics.Load(statisticsPath);
                else if (fitSample is not null)
                {
                    statistics = LexicalStatistics.Fit(fitSample());
                    statistics.Save(statisticsPath);
                }
                else throw new LocusException($"{statisticsPath}: missing; the index cannot be searched without the statistics it was built with");
                return new LexicalEncoder(new LexicalEncoderOptions { Dimension = Dimension }, statistics);
            case Transformer:
                var encoder = SharedTransformerEncoders.Get(new TransformerEncoderOptions
                {
                    ModelPath = BuiltinModels.ResolveFolder(ModelPath ?? throw new LocusException($"{Path.Combine(indexDirectory, FileName)}: the transformer encoder needs a model path"), logger),
                    Pooling = Pooling,
                    QueryPrefix = QueryPrefix,
                    PassagePrefix = PassagePrefix,
                    BFloat16 = BFloat16,
                    MaxLength = MaxLength,
                }, logger);
                Dimension = encoder.Dimension;
                return encoder;
            default:
                throw new LocusException($"unknown encoder '{Name}' (available: {string.Join(", ", KnownNames)})");
        }
    }

    /// <summary>Reads the spec of <paramref name="indexDirectory"/>; an error naming the file when there is none.</summary>
    /// <exception cref="LocusException">The folder has no spec: it was not built by <c>locus corpus ingest</c>.</exception>
    public static EncoderSpec LoadRequired(string indexDirectory) =>
        Load(indexDirectory) ?? throw new LocusException($"{Path.Combine(indexDirectory, FileName)}: missing; build the index with 'locus corpus ingest'");

    /// <summary>Reads the spec of <paramref name="indexDirectory"/>, or null when there is none.</summary>
    public static EncoderSpec? Load(string indexDirectory)
    {
        var path = Path.Combine(indexDirectory, FileName);
        return File.Exists(path) ? LocusJson.ReadFile<EncoderSpec>(path, FileFormat) : null;
    }

    /// <summary>Writes the spec into <paramref name="indexDirectory"/> atomically.</summary>
    public void Save(string indexDirectory) => LocusJson.WriteFile(Path.Combine(indexDirectory, FileName), this, FileFormat);
}
