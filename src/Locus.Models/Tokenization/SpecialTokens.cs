namespace Locus.Models.Tokenization;

/// <summary>The role-named special tokens of a tokenizer (from <c>special_tokens_map.json</c> /
/// <c>tokenizer_config.json</c>), as token strings; any of them may be absent.</summary>
public sealed record SpecialTokens
{
    /// <summary>Classification token placed first (<c>[CLS]</c>).</summary>
    public string? Cls { get; init; }

    /// <summary>Separator placed after each text (<c>[SEP]</c>).</summary>
    public string? Sep { get; init; }

    /// <summary>Padding token (<c>[PAD]</c>).</summary>
    public string? Pad { get; init; }

    /// <summary>Unknown token (<c>[UNK]</c>).</summary>
    public string? Unk { get; init; }

    /// <summary>Mask token for masked-language modelling (<c>[MASK]</c>).</summary>
    public string? Mask { get; init; }

    /// <summary>The tokens that are set, in the order cls, sep, pad, unk, mask.</summary>
    public IEnumerable<string> All()
    {
        foreach (var token in new[] { Cls, Sep, Pad, Unk, Mask })
        {
            if (token is not null)
            {
                yield return token;
            }
        }
    }
}
