using System.Text.Json.Nodes;
using Locus.Models.Configuration;

namespace Locus.Models.Bert;

/// <summary>
/// Configuration of a BERT-family encoder (BERT, MiniLM, E5, BGE: <c>model_type</c> "bert"), with Hugging Face's
/// BertConfig keys. Only absolute position embeddings are implemented.
/// </summary>
public sealed class BertConfig : EncoderConfig
{
    /// <summary>The only <c>position_embedding_type</c> Locus implements.</summary>
    public const string AbsolutePositions = "absolute";

    /// <summary>Creates a configuration with BERT-base defaults; <see cref="EncoderConfig.VocabSize"/> must be set.</summary>
    public BertConfig() => VocabSize = 30522;

    /// <inheritdoc />
    public override string ModelType => "bert";

    /// <summary><c>position_embedding_type</c>: always "absolute" (relative_key variants are rejected when reading).</summary>
    public string PositionEmbeddingType => AbsolutePositions;

    /// <summary><c>classifier_dropout</c>: dropout before a classification head; null means hidden_dropout_prob.</summary>
    public double? ClassifierDropout { get; set; }

    /// <summary>The BERT-base (uncased) configuration: 12 layers, hidden 768, 12 heads, intermediate 3072.</summary>
    public static BertConfig Base() => new();

    /// <summary>Reads config.json from a model folder or a file path.</summary>
    public static BertConfig Load(string folderOrFile) => FromJson(ConfigJson.Load(folderOrFile));

    /// <summary>Reads a parsed config.json; unsupported settings are errors naming the key.</summary>
    public static BertConfig FromJson(ConfigJson json)
    {
        var modelType = json.String("model_type", "bert");
        if (modelType != "bert") throw json.Error("model_type", $"expected 'bert' for a BERT configuration, got '{modelType}'");
        var config = new BertConfig();
        config.ReadCommon(json);
        json.Choice("position_embedding_type", AbsolutePositions, AbsolutePositions);
        if (json.Bool("is_decoder", false)) throw json.Error("is_decoder", "decoder (causal) BERT is not supported; Locus implements the bidirectional encoder");
        if (config.TypeVocabSize < 1) throw json.Error("type_vocab_size", $"BERT needs at least one token type, got {config.TypeVocabSize}");
        if (config.PadTokenId < 0 || config.PadTokenId >= config.VocabSize)
            throw json.Error("pad_token_id", $"{config.PadTokenId} is outside the vocabulary (vocab_size {config.VocabSize})");
        config.ClassifierDropout = json.Has("classifier_dropout") ? json.Double("classifier_dropout", 0) : null;
        return config;
    }

    /// <inheritdoc />
    public override JsonObject ToJson()
    {
        var json = base.ToJson();
        json["position_embedding_type"] = PositionEmbeddingType;
        json["classifier_dropout"] = ClassifierDropout;
        return json;
    }
}
