using System.Text.Json;

namespace Locus.Models.Tokenization;

/// <summary>
/// What a Hugging Face model folder says about its tokenizer, merged from <c>tokenizer_config.json</c>,
/// <c>special_tokens_map.json</c> (which wins for the special tokens) and <c>added_tokens.json</c>. All files are optional.
/// </summary>
public sealed record HfTokenizerConfig
{
    // transformers writes int(1e30) as model_max_length when a checkpoint sets no limit.
    private const double NoLimitThreshold = 1e12;

    /// <summary>The <c>tokenizer_class</c>, e.g. <c>BertTokenizer</c> or <c>DebertaV2Tokenizer</c>.</summary>
    public string? TokenizerClass { get; init; }

    /// <summary>The role-named special tokens.</summary>
    public SpecialTokens SpecialTokens { get; init; } = new();

    /// <summary><c>do_lower_case</c>, when given.</summary>
    public bool? DoLowerCase { get; init; }

    /// <summary><c>strip_accents</c> (null: follow lower-casing).</summary>
    public bool? StripAccents { get; init; }

    /// <summary><c>tokenize_chinese_chars</c>, when given.</summary>
    public bool? TokenizeChineseChars { get; init; }

    /// <summary><c>clean_up_tokenization_spaces</c>, when given.</summary>
    public bool? CleanUpTokenizationSpaces { get; init; }

    /// <summary><c>split_special_tokens</c>: when true, special tokens typed in the text are tokenised as plain text
    /// instead of being recognised. Default false, as in transformers.</summary>
    public bool SplitSpecialTokens { get; init; }

    /// <summary><c>model_max_length</c>, or null when absent or the "no limit" sentinel.</summary>
    public int? ModelMaxLength { get; init; }

    /// <summary>Tokens with fixed ids from <c>added_tokens_decoder</c> and <c>added_tokens.json</c>.</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; init; } = [];

    /// <summary>Reads the configuration files of <paramref name="folder"/>; missing files are skipped.</summary>
    public static HfTokenizerConfig Load(string folder)
    {
        var configPath = Path.Combine(folder, "tokenizer_config.json");
        var mapPath = Path.Combine(folder, "special_tokens_map.json");
        var addedPath = Path.Combine(folder, "added_tokens.json");
        using var config = ReadJson(configPath);
        using var map = ReadJson(mapPath);
        using var added = ReadJson(addedPath);
        var root = config?.RootElement;
        var addedTokens = new Dictionary<int, AddedToken>();
        if (root is { } r && r.TryGetProperty("added_tokens_decoder", out var decoder) && decoder.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in decoder.EnumerateObject())
            {
                if (!int.TryParse(entry.Name, out var id))
                {
                    throw new DataFormatException(configPath, 0, "added_tokens_decoder", $"key '{entry.Name}' is not an integer id");
                }

                var content = TokenContent(entry.Value)
                    ?? throw new DataFormatException(configPath, 0, $"added_tokens_decoder.{entry.Name}", "has no 'content'");
                var special = entry.Value.ValueKind == JsonValueKind.Object
                    && entry.Value.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True;
                addedTokens[id] = new AddedToken(content, id, special);
            }
        }

        var specials = new SpecialTokens
        {
            Cls = SpecialToken("cls_token", map, root),
            Sep = SpecialToken("sep_token", map, root),
            Pad = SpecialToken("pad_token", map, root),
            Unk = SpecialToken("unk_token", map, root),
            Mask = SpecialToken("mask_token", map, root),
        };
        if (added?.RootElement is { ValueKind: JsonValueKind.Object } addedRoot)
        {
            foreach (var entry in addedRoot.EnumerateObject())
            {
                if (!entry.Value.TryGetInt32(out var id))
                {
                    throw new DataFormatException(addedPath, 0, entry.Name, "the id is not an integer");
                }

                if (!addedTokens.ContainsKey(id))
                {
                    addedTokens[id] = new AddedToken(entry.Name, id, specials.All().Contains(entry.Name));
                }
            }
        }

        return new HfTokenizerConfig
        {
            TokenizerClass = String(root, "tokenizer_class"),
            SpecialTokens = specials,
            DoLowerCase = Bool(root, "do_lower_case"),
            StripAccents = Bool(root, "strip_accents"),
            TokenizeChineseChars = Bool(root, "tokenize_chinese_chars"),
            CleanUpTokenizationSpaces = Bool(root, "clean_up_tokenization_spaces"),
            SplitSpecialTokens = Bool(root, "split_special_tokens") ?? false,
            ModelMaxLength = root is { } c && c.TryGetProperty("model_max_length", out var m) && m.ValueKind == JsonValueKind.Number
                && m.GetDouble() < NoLimitThreshold ? (int)m.GetDouble() : null,
            AddedTokens = addedTokens.Values.OrderBy(t => t.Id).ToArray(),
        };
    }

    internal static JsonDocument? ReadJson(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var stream = File.OpenRead(path);
            return JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, (int)(e.LineNumber + 1 ?? 0), null, $"invalid JSON: {e.Message}");
        }
    }

    private static string? SpecialToken(string key, JsonDocument? map, JsonElement? config)
    {
        if (map?.RootElement is { ValueKind: JsonValueKind.Object } m && m.TryGetProperty(key, out var fromMap))
        {
            return TokenContent(fromMap);
        }

        return config is { } c && c.TryGetProperty(key, out var fromConfig) ? TokenContent(fromConfig) : null;
    }

    // A token is written either as a string or as an AddedToken object with "content".
    internal static string? TokenContent(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Object when element.TryGetProperty("content", out var content) => content.GetString(),
        _ => null,
    };

    private static bool? Bool(JsonElement? root, string key) =>
        root is { } r && r.TryGetProperty(key, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? v.GetBoolean()
            : null;

    private static string? String(JsonElement? root, string key) =>
        root is { } r && r.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
