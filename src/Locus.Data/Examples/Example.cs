using System.Text.Json;

namespace Locus.Data;

/// <summary>
/// One labelled text. Offsets held in memory are .NET string indices (UTF-16 code units); files store
/// Unicode code-point offsets, as Python does, and the readers and writers convert.
/// </summary>
/// <param name="Text">The original text, never normalised.</param>
public abstract record Example(string Text)
{
    /// <summary>An optional identifier carried through conversions.</summary>
    public string? Id { get; init; }

    /// <summary>
    /// JSON properties the reader did not recognise, kept so that a JSONL-to-JSONL conversion loses nothing.
    /// Null when there were none.
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement>? Extra { get; init; }

    /// <summary>The task this example belongs to.</summary>
    public abstract DataTask Task { get; }
}
