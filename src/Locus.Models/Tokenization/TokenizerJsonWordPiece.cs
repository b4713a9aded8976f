using System.Text.Json;

namespace Locus.Models.Tokenization;

/// <summary>
/// Reads a Hugging Face <c>tokenizer.json</c> whose model is WordPiece (BERT family): vocabulary, BertNormalizer
/// settings, added tokens, the post-processing template, and the truncation/padding it ships with.
/// </summary>
internal sealed class TokenizerJsonWordPiece
{
    private TokenizerJsonWordPiece(
        WordPieceModel model, IReadOnlyList<AddedToken> addedTokens, PostProcessorTemplate? template, EncodeOptions? shipped)
    {
        Model = model;
        AddedTokens = addedTokens;
        Template = template;
        ShippedOptions = shipped;
    }

    public WordPieceModel Model { get; }

    public IReadOnlyList<AddedToken> AddedTokens { get; }

    public PostProcessorTemplate? Template { get; }

    public EncodeOptions? ShippedOptions { get; }

    /// <summary>The <c>model.type</c> of a tokenizer.json, so the factory can choose a loader.</summary>
    public static string? ModelType(string path)
    {
        using var document = HfTokenizerConfig.ReadJson(path)!;
        return document.RootElement.TryGetProperty("model", out var model) && model.TryGetProperty("type", out var type)
            ? type.GetString()
            : null;
    }

    public static TokenizerJsonWordPiece Load(string path)
    {
        using var document = HfTokenizerConfig.ReadJson(path)
            ?? throw new LocusException($"{path}: file not found.");
        var root = document.RootElement;
        var model = Required(root, "model", path);
        var vocabElement = Required(model, "vocab", path, "model.vocab");
        var byId = new SortedDictionary<int, string>();
        foreach (var entry in vocabElement.EnumerateObject())
        {
            byId[entry.Value.GetInt32()] = entry.Name;
        }

        var tokens = new string[byId.Count];
        var expected = 0;
        foreach (var (id, token) in byId)
        {
            if (id != expected++)
            {
                throw new DataFormatException(path, 0, "model.vocab", $"ids are not contiguous from 0 (id {expected - 1} is missing)");
            }

            tokens[id] = token;
        }

        var prefix = OptionalString(model, "continuing_subword_prefix") ?? "##";
        var unk = OptionalString(model, "unk_token") ?? "[UNK]";
        var maxChars = model.TryGetProperty("max_input_chars_per_word", out var mc) ? mc.GetInt32() : 100;
        var normalizer = ReadNormalizer(root, path);
        CheckPreTokenizer(root, path);
        var cleanup = !root.TryGetProperty("decoder", out var decoder) || decoder.ValueKind != JsonValueKind.Object
            || !decoder.TryGetProperty("cleanup", out var c) || c.GetBoolean();
        var wordPiece = new WordPieceModel(new WordPieceVocabulary(tokens, prefix), normalizer, unk, maxChars, cleanup);

        var added = new List<AddedToken>();
        if (root.TryGetProperty("added_tokens", out var addedElement) && addedElement.ValueKind == JsonValueKind.Array)
        {
            foreach (var token in addedElement.EnumerateArray())
            {
                added.Add(new AddedToken(
                    token.GetProperty("content").GetString()!, token.GetProperty("id").GetInt32(),
                    token.TryGetProperty("special", out var s) && s.GetBoolean()));
            }
        }

        var template = ReadTemplate(root, path, t => wordPiece.TokenToId(t) ?? added.FirstOrDefault(a => a.Content == t)?.Id);
        return new TokenizerJsonWordPiece(wordPiece, added, template, ReadShippedOptions(root));
    }

    private static BertNormalizerOptions ReadNormalizer(JsonElement root, string path)
    {
        if (!root.TryGetProperty("normalizer", out var n) || n.ValueKind != JsonValueKind.Object)
        {
            throw new DataFormatException(path, 0, "normalizer", "a WordPiece tokenizer.json needs a BertNormalizer");
        }

        var type = OptionalString(n, "type");
        if (type != "BertNormalizer")
        {
            throw new DataFormatException(path, 0, "normalizer.type", $"'{type}' is not supported; only BertNormalizer is");
        }

        return new BertNormalizerOptions
        {
            CleanText = OptionalBool(n, "clean_text") ?? true,
            HandleChineseChars = OptionalBool(n, "handle_chinese_chars") ?? true,
            StripAccents = OptionalBool(n, "strip_accents"),
            Lowercase = OptionalBool(n, "lowercase") ?? true,
        };
    }

    private static void CheckPreTokenizer(JsonElement root, string path)
    {
        var type = root.TryGetProperty("pre_tokenizer", out var p) && p.ValueKind == JsonValueKind.Object
            ? OptionalString(p, "type")
            : null;
        if (type != "BertPreTokenizer")
        {
            throw new DataFormatException(path, 0, "pre_tokenizer.type", $"'{type}' is not supported; only BertPreTokenizer is");
        }
    }

    // TemplateProcessing lists SpecialToken / Sequence pieces; BertProcessing names sep and cls.
    private static PostProcessorTemplate? ReadTemplate(JsonElement root, string path, Func<string, int?> idOf)
    {
        if (!root.TryGetProperty("post_processor", out var p) || p.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        int Id(string token) => idOf(token)
            ?? throw new DataFormatException(path, 0, "post_processor", $"special token '{token}' is not in the vocabulary");

        switch (OptionalString(p, "type"))
        {
            case "TemplateProcessing":
                return new PostProcessorTemplate(ReadPieces(p.GetProperty("single"), Id), ReadPieces(p.GetProperty("pair"), Id));
            case "BertProcessing":
                return PostProcessorTemplate.ClsSep(Id(p.GetProperty("cls")[0].GetString()!), Id(p.GetProperty("sep")[0].GetString()!));
            case var other:
                throw new DataFormatException(path, 0, "post_processor.type", $"'{other}' is not supported");
        }
    }

    private static TemplatePiece[] ReadPieces(JsonElement pieces, Func<string, int> id) => pieces.EnumerateArray().Select(piece =>
    {
        if (piece.TryGetProperty("SpecialToken", out var special))
        {
            return TemplatePiece.Special(id(special.GetProperty("id").GetString()!), special.GetProperty("type_id").GetInt32());
        }

        var sequence = piece.GetProperty("Sequence");
        return TemplatePiece.Text(sequence.GetProperty("id").GetString() == "B" ? 1 : 0, sequence.GetProperty("type_id").GetInt32());
    }).ToArray();

    private static EncodeOptions? ReadShippedOptions(JsonElement root)
    {
        int? truncateAt = root.TryGetProperty("truncation", out var t) && t.ValueKind == JsonValueKind.Object
            ? t.GetProperty("max_length").GetInt32()
            : null;
        var strategy = truncateAt is null ? TruncationStrategy.None : OptionalString(t, "strategy") switch
        {
            "OnlyFirst" => TruncationStrategy.OnlyFirst,
            "OnlySecond" => TruncationStrategy.OnlySecond,
            _ => TruncationStrategy.LongestFirst,
        };
        int? fixedPadding = null;
        var padding = PaddingStrategy.None;
        if (root.TryGetProperty("padding", out var pad) && pad.ValueKind == JsonValueKind.Object)
        {
            var padStrategy = pad.GetProperty("strategy");
            if (padStrategy.ValueKind == JsonValueKind.Object && padStrategy.TryGetProperty("Fixed", out var f))
            {
                fixedPadding = f.GetInt32();
                padding = PaddingStrategy.MaxLength;
            }
            else
            {
                padding = PaddingStrategy.Longest;
            }
        }

        if (truncateAt is null && padding == PaddingStrategy.None)
        {
            return null;
        }

        return new EncodeOptions
        {
            MaxLength = truncateAt ?? fixedPadding,
            Truncation = strategy,
            Stride = truncateAt is null ? 0 : t.TryGetProperty("stride", out var s) ? s.GetInt32() : 0,
            Padding = padding,
        };
    }

    private static JsonElement Required(JsonElement parent, string name, string path, string? field = null) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw new DataFormatException(path, 0, field ?? name, "is missing");

    private static string? OptionalString(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool? OptionalBool(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;
}
