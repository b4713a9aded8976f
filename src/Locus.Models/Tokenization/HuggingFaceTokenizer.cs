namespace Locus.Models.Tokenization;

/// <summary>
/// A tokenizer assembled like Hugging Face's: added tokens matched literally, a segment model (WordPiece or
/// SentencePiece Unigram) for the text between them, the <c>[CLS] A [SEP] (B [SEP])</c> template, truncation with
/// overflow windows, and padding. Create one with <see cref="TokenizerFactory"/>.
/// </summary>
public sealed class HuggingFaceTokenizer : ITextTokenizer
{
    private const int ParallelBatchThreshold = 64;

    private readonly ISegmentModel _model;
    private readonly AddedTokenSplitter _splitter;
    private readonly EncodingBuilder _builder;
    private readonly Dictionary<int, AddedToken> _addedById;
    private readonly Dictionary<string, AddedToken> _addedByContent;

    internal HuggingFaceTokenizer(
        string kind, ISegmentModel model, IReadOnlyList<AddedToken> addedTokens, SpecialTokens specialTokens,
        int? modelMaxLength, bool splitSpecialTokens, PostProcessorTemplate? template = null, EncodeOptions? shippedOptions = null)
    {
        Kind = kind;
        _model = model;
        _addedById = addedTokens.ToDictionary(t => t.Id);
        _addedByContent = addedTokens.ToDictionary(t => t.Content, StringComparer.Ordinal);
        _splitter = new AddedTokenSplitter(splitSpecialTokens ? addedTokens.Where(t => !t.Special) : addedTokens);
        SpecialTokens = specialTokens;
        ModelMaxLength = modelMaxLength;
        ClsTokenId = Lookup(specialTokens.Cls);
        SepTokenId = Lookup(specialTokens.Sep);
        PadTokenId = Lookup(specialTokens.Pad);
        UnkTokenId = Lookup(specialTokens.Unk);
        MaskTokenId = Lookup(specialTokens.Mask);
        SpecialTokenIds = specialTokens.All().Select(Lookup).OfType<int>()
            .Concat(addedTokens.Where(t => t.Special).Select(t => t.Id)).ToHashSet();
        VocabSize = Math.Max(model.VocabSize, addedTokens.Count == 0 ? 0 : addedTokens.Max(t => t.Id) + 1);
        ShippedOptions = shippedOptions;
        template ??= ClsTokenId is { } cls && SepTokenId is { } sep
            ? PostProcessorTemplate.ClsSep(cls, sep)
            : new PostProcessorTemplate([TemplatePiece.Text(0, 0)], [TemplatePiece.Text(0, 0), TemplatePiece.Text(1, 1)]);
        _builder = new EncodingBuilder(template, id => IdToToken(id) ?? throw new InvalidOperationException($"No token for id {id}."));
    }

    /// <summary>What the tokenizer is, e.g. "WordPiece (tokenizer.json)" or "SentencePiece Unigram (spm.model)".</summary>
    public string Kind { get; }

    /// <summary>The truncation and padding that <c>tokenizer.json</c> ships with (what Hugging Face applies by default), or null.</summary>
    public EncodeOptions? ShippedOptions { get; }

    /// <inheritdoc />
    public int VocabSize { get; }

    /// <inheritdoc />
    public SpecialTokens SpecialTokens { get; }

    /// <inheritdoc />
    public int? MaskTokenId { get; }

    /// <inheritdoc />
    public int? PadTokenId { get; }

    /// <inheritdoc />
    public int? ClsTokenId { get; }

    /// <inheritdoc />
    public int? SepTokenId { get; }

    /// <inheritdoc />
    public int? UnkTokenId { get; }

    /// <inheritdoc />
    public IReadOnlySet<int> SpecialTokenIds { get; }

    /// <inheritdoc />
    public int? ModelMaxLength { get; }

    /// <inheritdoc />
    public TokenEncoding Encode(string text, string? textPair = null, EncodeOptions? options = null)
    {
        options ??= EncodeOptions.Default;
        options.Validate();
        var encoding = EncodeUnpadded(text, textPair, options);
        return options.Padding == PaddingStrategy.MaxLength ? Pad(encoding, options.MaxLength!.Value) : encoding;
    }

    /// <inheritdoc />
    public IReadOnlyList<TokenEncoding> EncodeBatch(IReadOnlyList<string> texts, EncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return EncodeBatch(texts.Select(t => (t, (string?)null)).ToArray(), options);
    }

    /// <inheritdoc />
    public IReadOnlyList<TokenEncoding> EncodeBatch(IReadOnlyList<(string Text, string? TextPair)> inputs, EncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        options ??= EncodeOptions.Default;
        options.Validate();
        var encodings = new TokenEncoding[inputs.Count];
        if (inputs.Count >= ParallelBatchThreshold)
        {
            Parallel.For(0, inputs.Count, i => encodings[i] = EncodeUnpadded(inputs[i].Text, inputs[i].TextPair, options));
        }
        else
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                encodings[i] = EncodeUnpadded(inputs[i].Text, inputs[i].TextPair, options);
            }
        }

        var target = options.Padding switch
        {
            PaddingStrategy.MaxLength => options.MaxLength!.Value,
            PaddingStrategy.Longest => encodings.Length == 0 ? 0 : encodings.Max(e => e.Length),
            _ => 0,
        };
        if (options.Padding != PaddingStrategy.None)
        {
            for (var i = 0; i < encodings.Length; i++)
            {
                encodings[i] = Pad(encodings[i], target);
            }
        }

        return encodings;
    }

    /// <inheritdoc />
    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var tokens = new List<string>(ids.Count);
        foreach (var id in ids)
        {
            if (skipSpecialTokens && SpecialTokenIds.Contains(id))
            {
                continue;
            }

            tokens.Add(IdToToken(id) ?? throw new ArgumentOutOfRangeException(nameof(ids), id, $"Id {id} is outside the vocabulary (size {VocabSize})."));
        }

        return _model.Decode(tokens, _addedByContent);
    }

    /// <inheritdoc />
    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _addedByContent.TryGetValue(token, out var added) ? added.Id : _model.TokenToId(token);
    }

    /// <inheritdoc />
    public string? IdToToken(int id) =>
        _addedById.TryGetValue(id, out var added) ? added.Content : _model.IdToToken(id);

    private TokenEncoding EncodeUnpadded(string text, string? textPair, EncodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = Tokenize(text);
        var second = textPair is null ? null : Tokenize(textPair);
        return _builder.Build(first, second, options);
    }

    private List<RawToken> Tokenize(string text)
    {
        var tokens = new List<RawToken>(text.Length / 3 + 4);
        _splitter.Tokenize(_model, text, tokens);
        return tokens;
    }

    private TokenEncoding Pad(TokenEncoding encoding, int targetLength)
    {
        if (PadTokenId is not { } padId)
        {
            throw new LocusException($"This {Kind} tokenizer has no pad token, so it cannot pad; set pad_token in tokenizer_config.json.");
        }

        return EncodingBuilder.Pad(encoding, targetLength, padId, SpecialTokens.Pad!);
    }

    private int? Lookup(string? token) => token is null ? null : TokenToId(token);
}
